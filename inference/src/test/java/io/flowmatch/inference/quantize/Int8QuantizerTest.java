package io.flowmatch.inference.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtRuntime;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quantiser on a small hand-built velocity model whose every layer role is known: roles found
 * from the graph, the int8 arithmetic of every form against a Java reference of the same
 * arithmetic, dynamic batch, metadata and refusals.
 */
class Int8QuantizerTest {
  static final int D = 4;
  static final int H = 8;

  /** Weights of the test model, seeded. */
  static final class Weights {
    final Random r = new Random(11);
    final float[][] wt = matrix(1, H);
    final float[][] w1 = matrix(D, H);
    final float[] b1 = vector(H);
    final float[][] w2 = matrix(H, H);
    final float[] b2 = vector(H);
    final float[][] w3 = matrix(H, H); // [in, out]; stored transposed in the Gemm
    final float[] b3 = vector(H);
    final float[][] w4 = matrix(H, D);

    float[][] matrix(int k, int n) {
      float[][] m = new float[k][n];
      for (float[] row : m) {
        for (int j = 0; j < n; j++) {
          row[j] = (float) (r.nextGaussian() / Math.sqrt(k));
        }
      }
      return m;
    }

    float[] vector(int n) {
      float[] v = new float[n];
      for (int j = 0; j < n; j++) {
        v[j] = (float) (0.1 * r.nextGaussian());
      }
      return v;
    }
  }

  static final Weights W = new Weights();

  /**
   * v = relu(Gemm(relu(relu(x·W1 + b1 + t·Wt)·W2 + b2), W3ᵀ, b3, transB))·W4: time layer Wt, first
   * W1, inner W2 (MatMul + Add) and W3 (Gemm with transB), last W4.
   */
  static byte[] model() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("int8_test");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, D);
    g.input("t", OnnxGraphBuilder.FLOAT, -1);
    g.output("v", OnnxGraphBuilder.FLOAT, -1, D);
    String tt = g.node("Unsqueeze", new String[] {"t", g.longs("axes", new long[] {1}, 1)});
    String te = g.node("MatMul", new String[] {tt, g.floats("wt", flat(W.wt), 1, H)});
    String h = g.node("MatMul", new String[] {"x", g.floats("w1", flat(W.w1), D, H)});
    h = g.node("Add", new String[] {h, g.floats("b1", W.b1, H)});
    h = g.node("Relu", new String[] {g.node("Add", new String[] {h, te})});
    h = g.node("MatMul", new String[] {h, g.floats("w2", flat(W.w2), H, H)});
    h = g.node("Relu", new String[] {g.node("Add", new String[] {h, g.floats("b2", W.b2, H)})});
    h =
        g.node(
            "Gemm",
            new String[] {h, g.floats("w3t", flat(transpose(W.w3)), H, H), g.floats("b3", W.b3, H)},
            OnnxGraphBuilder.attr("transB", 1L));
    h = g.node("Relu", new String[] {h});
    g.nodeNamed("MatMul", "v", new String[] {h, g.floats("w4", flat(W.w4), H, D)});
    g.metadata(ModelMetadata.DATA_SHAPE, Integer.toString(D));
    return g.toBytes();
  }

  @Test
  void rolesComeFromTheGraph() throws Exception {
    OnnxMl.GraphProto graph = OnnxMl.ModelProto.parseFrom(model()).getGraph();
    Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
    graph.getInitializerList().forEach(t -> inits.put(t.getName(), t));
    Map<String, LayerRole> byWeight = new HashMap<>();
    for (Int8Quantizer.Layer l : Int8Quantizer.findLayers(graph, inits, "x")) {
      byWeight.put(l.node().getInput(1), l.role());
    }
    assertEquals(
        Map.of(
            "wt",
            LayerRole.TIME,
            "w1",
            LayerRole.FIRST,
            "w2",
            LayerRole.INNER,
            "w3t",
            LayerRole.INNER,
            "w4",
            LayerRole.LAST),
        byWeight);
  }

  @Test
  void perColumnWeightsKnownAnswer() {
    Int8Quantizer.Quantized q =
        Int8Quantizer.quantizeColumns(new float[][] {{1f, -0.5f}, {0.25f, 2f}, {0f, 0f}});
    assertArrayEquals(new float[] {1f / 127, 2f / 127}, q.scales(), 1e-9f);
    // 0.25·127 = 31.75 → 32; −0.5·127/2 = −31.75 → −32
    assertArrayEquals(new byte[] {127, -32, 32, 127, 0, 0}, q.values());
    Int8Quantizer.Quantized zero = Int8Quantizer.quantizeColumns(new float[][] {{0f}});
    assertArrayEquals(new float[] {1f}, zero.scales());
  }

  @Test
  void everyFormComputesTheSameInt8ArithmeticAtAnyBatch() throws Exception {
    Int8Recipe all = new Int8Recipe(QuantForm.MATMUL_INTEGER, EnumSet.noneOf(LayerRole.class));
    for (QuantForm form : QuantForm.values()) {
      byte[] q = Int8Quantizer.quantize(model(), all.withForm(form)).model();
      for (int batch : new int[] {1, 7, 64}) {
        Inputs in = inputs(batch, 3 + batch);
        float[] got = run(q, in);
        float[] expected = reference(in, true);
        float[] exact = reference(in, false);
        double scale = maxAbs(exact);
        double vsInt8 = maxAbsDiff(got, expected) / scale;
        double vsFloat = maxAbsDiff(got, exact) / scale;
        String what =
            form + " batch " + batch + ": vs Java int8 " + vsInt8 + ", vs float " + vsFloat;
        System.out.println(what);
        assertTrue(vsInt8 <= 1e-5, what); // the same arithmetic, up to float rounding
        assertTrue(vsFloat > 1e-4 && vsFloat <= QuantParity.BOUND, what); // quantised, within bound
      }
    }
  }

  @Test
  void defaultRecipeKeepsTimeFirstAndLastFloat() throws Exception {
    Int8Quantizer.Result r = Int8Quantizer.quantize(model(), Int8Recipe.defaults());
    assertEquals(2, r.quantized().size(), r.describe());
    assertEquals(1, r.kept().get(LayerRole.TIME).size());
    assertEquals(1, r.kept().get(LayerRole.FIRST).size());
    assertEquals(1, r.kept().get(LayerRole.LAST).size());
    List<String> ops = new ArrayList<>();
    OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(r.model());
    m.getGraph().getNodeList().forEach(n -> ops.add(n.getOpType()));
    assertEquals(2, ops.stream().filter("MatMulInteger"::equals).count(), ops.toString());
    assertEquals(3, ops.stream().filter("MatMul"::equals).count(), ops.toString());
    assertEquals(0, ops.stream().filter("Gemm"::equals).count(), ops.toString());
    // the float weights of the quantised layers are gone, the kept ones stay
    List<String> inits = new ArrayList<>();
    m.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
    assertTrue(
        inits.containsAll(List.of("wt", "w1", "w4"))
            && !inits.contains("w2")
            && !inits.contains("w3t"),
        inits.toString());

    Map<String, String> meta = new HashMap<>();
    m.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    assertEquals("int8", meta.get(ModelMetadata.PRECISION));
    assertEquals("fp32", meta.get(Int8Quantizer.SOURCE_PRECISION));
    assertEquals(Int8Recipe.defaults().describe(), meta.get(Int8Quantizer.RECIPE));
    assertTrue(
        meta.get(Int8Quantizer.RECIPE).contains("form=matmul-integer; fp32 layers=time,first,last"),
        meta.get(Int8Quantizer.RECIPE));
    assertEquals(
        "2 of 5 weight layers int8; fp32: time 1, first 1, last 1", meta.get(Int8Quantizer.LAYERS));
    assertEquals(
        Integer.toString(D), meta.get(ModelMetadata.DATA_SHAPE)); // the source's entries stay

    // only the two inner layers differ from the float model
    Inputs in = inputs(5, 1);
    Int8Recipe all = new Int8Recipe(QuantForm.MATMUL_INTEGER, EnumSet.noneOf(LayerRole.class));
    double partial = maxAbsDiff(run(r.model(), in), reference(in, false));
    assertTrue(partial > 0 && partial <= QuantParity.BOUND * maxAbs(reference(in, false)));
    assertTrue(run(Int8Quantizer.quantize(model(), all).model(), in).length == 5 * D);
  }

  @Test
  void refusals() {
    byte[] once = Int8Quantizer.quantize(model(), Int8Recipe.defaults()).model();
    FlowmatchException twice =
        assertThrows(
            FlowmatchException.class, () -> Int8Quantizer.quantize(once, Int8Recipe.defaults()));
    assertEquals(ErrorKind.INVALID_ARGUMENT, twice.kind());
    assertTrue(twice.getMessage().contains("already int8"), twice.getMessage());

    OnnxGraphBuilder g = new OnnxGraphBuilder("edges_only");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, D);
    g.input("t", OnnxGraphBuilder.FLOAT, -1);
    g.output("v", OnnxGraphBuilder.FLOAT, -1, D);
    g.nodeNamed("MatMul", "v", new String[] {"x", g.floats("w", flat(W.matrix(D, D)), D, D)});
    FlowmatchException none =
        assertThrows(
            FlowmatchException.class,
            () -> Int8Quantizer.quantize(g.toBytes(), Int8Recipe.defaults()));
    assertEquals(ErrorKind.INVALID_ARGUMENT, none.kind());
    assertTrue(
        none.getMessage().startsWith("nothing to quantise: the model has 1 weight layer(s)"),
        none.getMessage());

    FlowmatchException garbage =
        assertThrows(
            FlowmatchException.class,
            () -> Int8Quantizer.quantize(new byte[] {1, 2, 3, 4, 5}, Int8Recipe.defaults()));
    assertEquals(ErrorKind.BAD_MODEL, garbage.kind());

    FlowmatchException role =
        assertThrows(FlowmatchException.class, () -> Int8Recipe.parseRoles("first,middle"));
    assertEquals(ErrorKind.INVALID_ARGUMENT, role.kind());
    assertEquals(EnumSet.noneOf(LayerRole.class), Int8Recipe.parseRoles("none"));
    assertEquals(QuantForm.QDQ, QuantForm.parse("qdq"));
  }

  // ---- the reference: the same model in Java, float or with the int8 arithmetic ----

  record Inputs(int n, float[] x, float[] t) {}

  static Inputs inputs(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[n * D];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextFloat();
    }
    return new Inputs(n, x, t);
  }

  /** The model in Java; {@code int8}: every weight layer quantised as the quantiser writes it. */
  static float[] reference(Inputs in, boolean int8) {
    int n = in.n();
    float[] tt = in.t().clone();
    float[] te = linear(tt, n, W.wt, null, int8);
    float[] h = linear(in.x(), n, W.w1, W.b1, int8);
    for (int i = 0; i < h.length; i++) {
      h[i] = Math.max(0, h[i] + te[i]);
    }
    h = relu(linear(h, n, W.w2, W.b2, int8));
    h = relu(linear(h, n, W.w3, W.b3, int8));
    return linear(h, n, W.w4, null, int8);
  }

  /**
   * a·W + b for a [n, K]; with {@code int8}: a quantised per tensor to uint8 (ONNX
   * DynamicQuantizeLinear: range including 0, scale = range/255, zero point and values rounded half
   * to even), W per column to int8, integer products, then scaled back.
   */
  static float[] linear(float[] a, int n, float[][] w, float[] b, boolean int8) {
    int k = w.length;
    int m = w[0].length;
    float[] y = new float[n * m];
    if (!int8) {
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < m; c++) {
          double s = b == null ? 0 : b[c];
          for (int i = 0; i < k; i++) {
            s += (double) a[r * k + i] * w[i][c];
          }
          y[r * m + c] = (float) s;
        }
      }
      return y;
    }
    float min = 0;
    float max = 0;
    for (float v : a) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float scale = (max - min) / 255f;
    int zp = (int) Math.max(0, Math.min(255, Math.rint(-min / scale)));
    int[] qa = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      qa[i] = (int) Math.max(0, Math.min(255, Math.rint(a[i] / scale) + zp));
    }
    Int8Quantizer.Quantized qw = Int8Quantizer.quantizeColumns(w);
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < m; c++) {
        long acc = 0;
        for (int i = 0; i < k; i++) {
          acc += (long) (qa[r * k + i] - zp) * qw.values()[i * m + c];
        }
        y[r * m + c] = acc * (scale * qw.scales()[c]) + (b == null ? 0 : b[c]);
      }
    }
    return y;
  }

  static float[] run(byte[] model, Inputs in) throws OrtException {
    OrtEnvironment env = OrtRuntime.environment();
    try (OrtSessions.Session s = OrtSessions.open(model, OrtSessions.settings().threads(1));
        OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(in.x()), new long[] {in.n(), D});
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in.t()), new long[] {in.n()});
        OrtSession.Result r = s.session().run(Map.of("x", x, "t", t))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
  }

  static float[] relu(float[] v) {
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.max(0, v[i]);
    }
    return v;
  }

  static float[] flat(float[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, f, i * m[0].length, m[0].length);
    }
    return f;
  }

  static float[][] transpose(float[][] m) {
    float[][] t = new float[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        t[j][i] = m[i][j];
      }
    }
    return t;
  }

  static double maxAbs(float[] v) {
    double m = 0;
    for (float f : v) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }
}
