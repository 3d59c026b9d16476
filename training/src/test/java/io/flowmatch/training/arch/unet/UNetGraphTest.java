package io.flowmatch.training.arch.unet;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT16;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.training.export.onnx.GroupNormGraph;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime (optimisation level ALL) against the DJL forward of the same U-Net weights, on
 * random x and t: FP32 within 1e-5·max|v| (measured ~2e-6; the contract asks 1e-4), FP16 export
 * within 1e-2·max|v| of the float32 DJL model.
 */
class UNetGraphTest {
  private static NDManager manager;
  private static OrtEnvironment env;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(7);
    env = io.flowmatch.inference.runtime.OrtRuntime.environment();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  /** The model contract around the U-Net: x, t float32 in, v float32 out, dynamic batch. */
  static byte[] export(UNetVelocityNet net, int[] sample, int elemType) {
    return export(net, sample, elemType, GroupNormGraph.Form.DEFAULT);
  }

  static byte[] export(
      UNetVelocityNet net, int[] sample, int elemType, GroupNormGraph.Form groupNormForm) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("unet");
    g.input("x", FLOAT, -1, sample[0], sample[1], sample[2]);
    g.input("t", FLOAT, -1);
    String x =
        elemType == FLOAT ? "x" : g.node("Cast", new String[] {"x"}, attr("to", (long) elemType));
    String v = UNetGraph.add(g, net, net.spec(), sample, x, "t", elemType, groupNormForm);
    if (elemType == FLOAT) {
      g.nodeNamed("Identity", "v", new String[] {v});
    } else {
      g.nodeNamed("Cast", "v", new String[] {v}, attr("to", (long) FLOAT));
    }
    g.output("v", FLOAT, -1, sample[0], sample[1], sample[2]);
    return g.toBytes();
  }

  static float[] runOrt(byte[] model, float[] x, long[] xShape, float[] t) throws Exception {
    try (OrtSessions.Session session =
            OrtSessions.open(
                model,
                OrtSessions.settings()
                    .optimization(OrtSession.SessionOptions.OptLevel.ALL_OPT)
                    .threads(2));
        OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), xShape);
        OnnxTensor tt = OnnxTensor.createTensor(env, FloatBuffer.wrap(t), new long[] {t.length});
        OrtSession.Result result = session.session().run(Map.of("x", xt, "t", tt))) {
      OnnxTensor v = (OnnxTensor) result.get(0);
      assertEquals(
          java.util.Arrays.toString(xShape), java.util.Arrays.toString(v.getInfo().getShape()));
      FloatBuffer buffer = v.getFloatBuffer();
      float[] out = new float[buffer.remaining()];
      buffer.get(out);
      return out;
    }
  }

  /** Compares ORT and DJL at several batch sizes of one exported model; returns the worst ratio. */
  private static void checkParity(UNetSpec spec, int[] sample, long seed) throws Exception {
    UNetVelocityNet net =
        UNetTesting.build(manager, spec, sample[0], sample[1], sample[2], DataType.FLOAT32);
    UNetTesting.perturbNormsAndBiases(net, seed);
    byte[] fp32 = export(net, sample, FLOAT);
    byte[] fp16 = export(net, sample, FLOAT16);
    Random random = new Random(seed);
    for (int batch : new int[] {1, 3}) {
      long[] xShape = {batch, sample[0], sample[1], sample[2]};
      float[] x =
          UNetTesting.gaussian(random, (int) (batch * (long) sample[0] * sample[1] * sample[2]));
      float[] t = UNetTesting.uniform(random, batch);
      float[] djl = UNetTesting.forward(manager, net, DataType.FLOAT32, x, new Shape(xShape), t);
      float scale = UNetTesting.maxAbs(djl);
      float err32 = UNetTesting.maxAbsDiff(runOrt(fp32, x, xShape, t), djl) / scale;
      float err16 = UNetTesting.maxAbsDiff(runOrt(fp16, x, xShape, t), djl) / scale;
      System.out.printf(
          Locale.ROOT,
          "unet parity %s %s batch %d: max|v| %.3f, fp32 err/max|v| %.2e, fp16 err/max|v| %.2e%n",
          java.util.Arrays.toString(sample),
          java.util.Arrays.toString(spec.channelMults()),
          batch,
          scale,
          err32,
          err16);
      assertTrue(scale > 0.1f, "degenerate output, max|v| = " + scale);
      assertTrue(err32 <= 1e-5f, "fp32 parity error " + err32 + " of max|v|");
      assertTrue(err16 <= 1e-2f, "fp16 parity error " + err16 + " of max|v|");
    }
  }

  @Test
  void defaultSpecOnFashionMnistShapeMatchesDjlInFp32AndFp16() throws Exception {
    checkParity(UNetSpec.DEFAULTS, new int[] {1, 28, 28}, 11);
  }

  @Test
  void fourLevelsTwoBlocksPerLevelOnThreeChannel32x32Matches() throws Exception {
    UNetSpec spec = new UNetSpec(16, 2, 32, 2, new int[] {1, 2, 2, 2}, true, 4);
    checkParity(spec, new int[] {3, 32, 32}, 12);
  }

  @Test
  void withoutAttentionMatches() throws Exception {
    UNetSpec spec = new UNetSpec(16, 1, 32, 0, new int[] {1, 2}, false, 8);
    checkParity(spec, new int[] {1, 12, 20}, 13);
  }

  /** The forms the benchmark compares all write the same U-Net. */
  @Test
  void everyGroupNormFormMatchesDjlInFp32() throws Exception {
    UNetSpec spec = new UNetSpec(16, 1, 32, 2, new int[] {1, 2}, true, 4);
    int[] sample = {1, 8, 8};
    UNetVelocityNet net =
        UNetTesting.build(manager, spec, sample[0], sample[1], sample[2], DataType.FLOAT32);
    UNetTesting.perturbNormsAndBiases(net, 14);
    Random random = new Random(14);
    long[] xShape = {2, sample[0], sample[1], sample[2]};
    float[] x = UNetTesting.gaussian(random, 2 * sample[1] * sample[2]);
    float[] t = UNetTesting.uniform(random, 2);
    float[] djl = UNetTesting.forward(manager, net, DataType.FLOAT32, x, new Shape(xShape), t);
    float scale = UNetTesting.maxAbs(djl);
    assertTrue(scale > 0.1f, "degenerate output, max|v| = " + scale);
    for (GroupNormGraph.Form form : GroupNormGraph.Form.values()) {
      float err =
          UNetTesting.maxAbsDiff(runOrt(export(net, sample, FLOAT, form), x, xShape, t), djl)
              / scale;
      System.out.printf(Locale.ROOT, "unet group norm form %s: fp32 err/max|v| %.2e%n", form, err);
      assertTrue(err <= 1e-5f, form + ": fp32 parity error " + err + " of max|v|");
    }
  }

  @Test
  void rejectsAnotherBlockAWrongShapeAndAMismatchedSpec() {
    UNetVelocityNet net =
        UNetTesting.build(manager, UNetSpec.DEFAULTS, 1, 28, 28, DataType.FLOAT32);
    OnnxGraphBuilder g = new OnnxGraphBuilder("bad");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UNetGraph.add(
                    g,
                    Linear.builder().setUnits(3).build(),
                    UNetSpec.DEFAULTS,
                    new int[] {1, 28, 28},
                    "x",
                    "t",
                    FLOAT));
    assertEquals("unet export: expected a UNetVelocityNet block, got Linear", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UNetGraph.add(g, net, net.spec(), new int[] {1, 30, 28}, "x", "t", FLOAT));
    assertEquals(
        "unet export: expected a sample shape [1, H, W] with H and W multiples of 4, got [1, 30, 28]",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UNetGraph.add(g, net, net.spec(), new int[] {3, 28, 28}, "x", "t", FLOAT));
    assertTrue(e.getMessage().endsWith("got [3, 28, 28]"), e.getMessage());
    UNetSpec other = new UNetSpec(64, 1, 128, 4, new int[] {1, 2, 2}, true, 8);
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> UNetGraph.add(g, net, other, new int[] {1, 28, 28}, "x", "t", FLOAT));
    assertTrue(
        e.getMessage().startsWith("unet export: the spec does not describe this block"),
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                UNetGraph.add(
                    g, net, net.spec(), new int[] {1, 28, 28}, "x", "t", OnnxGraphBuilder.INT64));
    assertEquals("unet export: element type must be FLOAT or FLOAT16, got 7", e.getMessage());
  }
}
