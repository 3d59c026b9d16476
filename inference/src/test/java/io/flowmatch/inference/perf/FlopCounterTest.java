package io.flowmatch.inference.perf;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attrInts;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtRuntime;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlopCounterTest {

  /**
   * x [N,8], t [N] → concat [N,9] → MatMul [9,16] + bias → SiLU → Gemm (transB) [4,16] + bias →
   * Reshape [N,1,2,2] → Conv 3×1×2×2, pads 1 → [N,3,3,3] → Transpose → batched MatMul with itself.
   */
  private static OnnxGraphBuilder knownGraph() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("known");
    g.input("x", FLOAT, -1, 8).input("t", FLOAT, -1).output("y", FLOAT, -1, 3, 3, 3);
    String col = g.node("Unsqueeze", new String[] {"t", g.longs("ax", new long[] {1}, 1)});
    String h = g.node("Concat", new String[] {"x", col}, attr("axis", 1L));
    h = g.node("MatMul", new String[] {h, g.floats("w1", new float[9 * 16], 9, 16)});
    h = g.node("Add", new String[] {h, g.floats("b1", new float[16], 16)});
    h = g.node("Mul", new String[] {h, g.node("Sigmoid", new String[] {h})});
    h =
        g.node(
            "Gemm",
            new String[] {
              h, g.floats("w2", new float[4 * 16], 4, 16), g.floats("b2", new float[4], 4)
            },
            attr("transB", 1L));
    h = g.node("Reshape", new String[] {h, g.longs("s", new long[] {0, 1, 2, -1}, 4)});
    h =
        g.node(
            "Conv",
            new String[] {
              h, g.floats("k", new float[12], 3, 1, 2, 2), g.floats("kb", new float[3], 3)
            },
            attrInts("pads", 1, 1, 1, 1));
    String ht = g.node("Transpose", new String[] {h}, attrInts("perm", 0, 1, 3, 2));
    g.nodeNamed("MatMul", "y", new String[] {h, ht});
    return g;
  }

  private static long expectedDense(long n) {
    long matmul = 2 * n * 9 * 16;
    long gemm = 2 * n * 16 * 4 + n * 4;
    long conv = 2 * n * 3 * 3 * 3 * (1 * 2 * 2) + n * 3 * 3 * 3;
    long attention = 2 * n * 3 * 3 * 3 * 3;
    return matmul + gemm + conv + attention;
  }

  @Test
  void countsAHandBuiltGraphExactly() {
    for (long n : new long[] {1, 5, 256}) {
      FlopCount c = FlopCounter.count(knownGraph().build(), n);
      assertEquals(expectedDense(n), c.denseFlops(), "batch " + n);
      assertEquals(2 * n * 9 * 16 + 2 * n * 3 * 3 * 3 * 3, c.denseByOp().get("MatMul"));
      assertEquals(2 * n * 16 * 4 + n * 4, c.denseByOp().get("Gemm"));
      assertEquals(2 * n * 27 * 4 + n * 27, c.denseByOp().get("Conv"));
      assertEquals(3 * n * 16, c.elementwiseOps(), "Add, Sigmoid and Mul of [N,16]");
    }
  }

  @Test
  void inferredShapeMatchesOnnxRuntime() throws Exception {
    // the counter's conv/transpose/matmul shapes lead to y [N,3,3,3]: ONNX Runtime must agree
    OrtEnvironment env = OrtRuntime.environment();
    try (OrtSessions.Session s = OrtSessions.open(knownGraph().toBytes(), OrtSessions.settings());
        OnnxTensor x =
            OnnxTensor.createTensor(env, FloatBuffer.allocate(5 * 8), new long[] {5, 8});
        OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.allocate(5), new long[] {5});
        OrtSession.Result r = s.session().run(Map.of("x", x, "t", t))) {
      assertArrayEquals(new long[] {5, 3, 3, 3}, ((OnnxTensor) r.get(0)).getInfo().getShape());
    }
  }

  /**
   * The U-Net's group norm (Reshape → InstanceNormalization) is shape-preserving, no dense FLOPs.
   */
  @Test
  void countsNormalisationsAndReductionsAsElementwise() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("norms");
    g.input("x", FLOAT, -1, 8, 2, 2).output("y", FLOAT, -1, 2, 1);
    String h = g.node("Reshape", new String[] {"x", g.longs("s", new long[] {0, 2, -1}, 3)});
    h =
        g.node(
            "InstanceNormalization",
            new String[] {
              h, g.floats("scale", new float[2], 2), g.floats("bias", new float[2], 2)
            });
    g.nodeNamed("ReduceSumSquare", "y", new String[] {h, g.longs("axes", new long[] {-1}, 1)});
    for (long n : new long[] {1, 7}) {
      FlopCount c = FlopCounter.count(g.build(), n);
      assertEquals(0, c.denseFlops());
      assertEquals(
          2 * n * 32, c.elementwiseOps(), "InstanceNormalization and ReduceSumSquare of [N,2,16]");
    }
  }

  @Test
  void refusesAnOpWithoutAShapeRule() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("unknown");
    g.input("x", FLOAT, -1, 4).output("v", FLOAT, -1, 4);
    g.nodeNamed("HardSwish", "v", new String[] {"x"});
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FlopCounter.count(g.build(), 2));
    assertEquals(true, e.getMessage().contains("no shape rule for op HardSwish"), e.getMessage());
  }

  @Test
  void matmulPeakChainHasTheStatedWork() throws Exception {
    MatmulPeak.Result r = MatmulPeak.measure(8, 16, 3, 1, 1);
    assertEquals(2L * 8 * 16 * 16 * 3, r.flopsPerRun());
    FlopCount c =
        FlopCounter.count(ai.onnx.proto.OnnxMl.ModelProto.parseFrom(MatmulPeak.chain(16, 3)), 8);
    assertEquals(r.flopsPerRun(), c.denseFlops());
  }
}
