package io.flowmatch.training.export.onnx;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT16;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;
import static io.flowmatch.training.arch.unet.UNetTesting.maxAbs;
import static io.flowmatch.training.arch.unet.UNetTesting.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.io.Float16;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.training.model.GroupNorm;
import java.nio.FloatBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every {@link GroupNormGraph.Form} in ONNX Runtime (level ALL) against a double-precision group
 * norm written out here, on activations with a large common offset (mean 40, σ 3), where float16
 * statistics or a one-pass variance would lose digits.
 */
class GroupNormGraphTest {
  private static final int N = 3;
  private static final int C = 12;
  private static final int H = 5;
  private static final int W = 6;
  private static final int GROUPS = 4;

  @Test
  void everyFormMatchesTheDefinitionInFp32AndFp16() throws Exception {
    Random random = new Random(3);
    float[] x = new float[N * C * H * W];
    for (int i = 0; i < x.length; i++) {
      x[i] = 40f + 3f * (float) random.nextGaussian();
    }
    float[] gamma = new float[C];
    float[] beta = new float[C];
    for (int c = 0; c < C; c++) {
      gamma[c] = 1f + 0.5f * (float) random.nextGaussian();
      beta[c] = (float) random.nextGaussian();
    }
    float[] halfX = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      halfX[i] = Float16.round(x[i]);
    }
    float[] expected = reference(x, gamma, beta);
    float[] expectedHalf = reference(halfX, gamma, beta);
    double scale = maxAbs(expected);
    for (GroupNormGraph.Form form : GroupNormGraph.Form.values()) {
      double err32 = maxAbsDiff(run(form, FLOAT, x, gamma, beta), expected) / scale;
      double err16 = maxAbsDiff(run(form, FLOAT16, x, gamma, beta), expectedHalf) / scale;
      System.out.printf(
          Locale.ROOT, "group norm %s: fp32 err/max|y| %.2e, fp16 %.2e%n", form, err32, err16);
      // GroupNormalization-21's function body takes the variance as E[x²] − E[x]², which cancels
      // digits when the mean is large against σ (measured 1.2e-5 here); the others are two-pass
      double bound32 = form == GroupNormGraph.Form.GROUP_NORMALIZATION ? 1e-4 : 1e-6;
      assertTrue(err32 <= bound32, form + " fp32 error " + err32);
      // float16 rounds the normalised values, γ, β and the products once each: ≈ 3 half ulps
      assertTrue(err16 <= 2e-3, form + " fp16 error " + err16);
    }
  }

  @Test
  void theExporterUsesTheInstanceNormForm() {
    assertEquals(GroupNormGraph.Form.INSTANCE_NORM, GroupNormGraph.Form.DEFAULT);
    OnnxGraphBuilder g = new OnnxGraphBuilder("gn");
    new GroupNormGraph(g, FLOAT, GroupNormGraph.Form.DEFAULT)
        .add("x", C, H, W, GROUPS, new float[C], new float[C], "gn");
    assertEquals(
        1,
        g.build().getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("InstanceNormalization"))
            .count());
  }

  @Test
  void rejectsGroupsThatDoNotDivideTheChannelsAndWrongLengths() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("gn");
    GroupNormGraph gn = new GroupNormGraph(g, FLOAT, GroupNormGraph.Form.DEFAULT);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> gn.add("x", 12, 4, 4, 5, new float[12], new float[12], "gn"));
    assertEquals("group norm export: 12 channels do not split into 5 groups", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> gn.add("x", 12, 4, 4, 4, new float[12], new float[11], "gn"));
    assertEquals("group norm export: expected 12 scales and shifts, got 12 and 11", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new GroupNormGraph(g, OnnxGraphBuilder.INT64, GroupNormGraph.Form.DEFAULT));
    assertEquals("group norm export: element type must be FLOAT or FLOAT16, got 7", e.getMessage());
  }

  /** x [N, C, H, W] float32 in, y float32 out; a float16 graph casts around the group norm. */
  private static float[] run(
      GroupNormGraph.Form form, int elemType, float[] x, float[] gamma, float[] beta)
      throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("gn");
    g.input("x", FLOAT, -1, C, H, W);
    String in = GraphOps.cast(g, "x", FLOAT, elemType);
    String y = new GroupNormGraph(g, elemType, form).add(in, C, H, W, GROUPS, gamma, beta, "gn");
    if (elemType == FLOAT) {
      g.nodeNamed("Identity", "y", new String[] {y});
    } else {
      g.nodeNamed("Cast", "y", new String[] {y}, attr("to", (long) FLOAT));
    }
    g.output("y", FLOAT, -1, C, H, W);
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    try (OrtSessions.Session session =
            OrtSessions.open(
                g.toBytes(),
                OrtSessions.settings()
                    .optimization(OrtSession.SessionOptions.OptLevel.ALL_OPT)
                    .threads(1));
        OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {N, C, H, W});
        OrtSession.Result result = session.session().run(Map.of("x", xt))) {
      FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
      float[] values = new float[out.remaining()];
      out.get(values);
      return values;
    }
  }

  /** The group norm by its definition, in double: biased variance, ε inside the square root. */
  private static float[] reference(float[] x, float[] gamma, float[] beta) {
    int perGroup = C / GROUPS * H * W;
    float[] y = new float[x.length];
    for (int n = 0; n < N; n++) {
      for (int grp = 0; grp < GROUPS; grp++) {
        int start = (n * GROUPS + grp) * perGroup;
        double mean = 0;
        for (int i = 0; i < perGroup; i++) {
          mean += x[start + i];
        }
        mean /= perGroup;
        double variance = 0;
        for (int i = 0; i < perGroup; i++) {
          variance += (x[start + i] - mean) * (x[start + i] - mean);
        }
        variance /= perGroup;
        double inverseSigma = 1 / Math.sqrt(variance + GroupNorm.EPSILON);
        for (int i = 0; i < perGroup; i++) {
          int c = grp * (C / GROUPS) + i / (H * W);
          y[start + i] = (float) ((x[start + i] - mean) * inverseSigma * gamma[c] + beta[c]);
        }
      }
    }
    return y;
  }
}
