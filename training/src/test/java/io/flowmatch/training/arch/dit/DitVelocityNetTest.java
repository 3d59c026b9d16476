package io.flowmatch.training.arch.dit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.model.Blocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DitVelocityNetTest {
  static final DitSpec SPEC = new DitSpec(32, 2, 16, 2, 4);
  static final int[] SHAPE = {2, 4, 6};
  NDManager m;

  @BeforeEach
  void open() {
    m = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    m.close();
  }

  private DitVelocityNet net(DitSpec spec, int[] shape) {
    DitVelocityNet n = new DitVelocityNet(spec, shape);
    n.initialize(m, DataType.FLOAT32, new Shape(1, shape[0], shape[1], shape[2]), new Shape(1));
    return n;
  }

  @Test
  void patchesAreRowMajorWithChannelThenPixelFeatures() {
    DitVelocityNet n = net(SPEC, SHAPE);
    NDArray x = m.arange(2 * 4 * 6).toType(DataType.FLOAT32, false).reshape(1, 2, 4, 6);
    NDArray p = n.patchify(x);
    assertEquals(new Shape(1, 6, 8), p.getShape()); // 2×3 patches of 2·2·2 values
    // patch (row 1, col 2) = token 5: channel 0 rows 2–3 cols 4–5, then channel 1
    float[] expected = {16, 17, 22, 23, 40, 41, 46, 47};
    assertArrayEquals(expected, p.get(0, 5).toFloatArray());
    assertArrayEquals(x.toFloatArray(), n.unpatchify(p).toFloatArray());
  }

  @Test
  void freshNetworkIsAdaLnZeroAndOutputsZero() {
    DitVelocityNet n = net(SPEC, SHAPE);
    float[] x = new float[3 * 48];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i);
    }
    float[] v = Blocks.forward(n, x, new long[] {3, 2, 4, 6}, new float[] {0f, 0.5f, 1f});
    for (float f : v) {
      assertEquals(0f, f);
    }
  }

  @Test
  void parameterCountMatchesTheFormula() {
    DitSpec def = DitSpec.DEFAULTS;
    DitVelocityNet n = net(def, new int[] {1, 28, 28});
    long d = def.width();
    long patch = (long) def.patchSize() * def.patchSize(); // one channel
    long expected =
        (patch * d + d) // patch embedding
            + (def.timeEmbedDim() * d + d)
            + (d * d + d) // time MLP
            + def.depth() * (18 * d * d + 15 * d) // blocks: modulation 6D, qkv 3D, proj, MLP 4D
            + (d * 2 * d + 2 * d)
            + (d * patch + patch); // final adaLN and projection
    assertEquals(expected, n.parameterCount());
    assertTrue(n.summary().endsWith(String.format("%,d parameters", expected)), n.summary());
    assertEquals(49, n.tokens());
  }

  @Test
  void float16WorkingCopyMatchesFloat32AndBackpropagates() {
    DitVelocityNet n32 = net(SPEC, SHAPE);
    Blocks.randomize(n32, 11, 1.0);
    // the working copy as a mixed-precision trainer builds it: float16 parameters, same values
    DitVelocityNet n16 = new DitVelocityNet(SPEC, SHAPE);
    n16.initialize(m, DataType.FLOAT16, new Shape(1, 2, 4, 6), new Shape(1));
    var p32 = n32.getParameters();
    var p16 = n16.getParameters();
    for (int i = 0; i < p32.size(); i++) {
      p32.get(i)
          .getValue()
          .getArray()
          .toType(DataType.FLOAT16, true)
          .copyTo(p16.get(i).getValue().getArray());
    }

    m.getEngine().setRandomSeed(12); // the same input every run
    NDArray x = m.randomNormal(new Shape(4, 2, 4, 6));
    NDArray t = m.create(new float[] {0.1f, 0.4f, 0.7f, 0.95f});
    ParameterStore ps = new ParameterStore(m, false);
    float[] ref = n32.forward(ps, new NDList(x, t), false).head().toFloatArray();
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray v = n16.forward(ps, new NDList(x.toType(DataType.FLOAT16, false), t), true).head();
      assertEquals(DataType.FLOAT16, v.getDataType());
      float[] got = v.toType(DataType.FLOAT32, false).toFloatArray();
      double maxErr = 0;
      double maxRef = 0;
      for (int i = 0; i < ref.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(got[i] - ref[i]));
        maxRef = Math.max(maxRef, Math.abs(ref[i]));
      }
      assertTrue(maxRef > 0.1 && maxErr / maxRef < 1e-2, maxErr + " of " + maxRef);
      gc.backward(v.mul(v).mean());
    }
    for (var p : n16.getParameters()) {
      NDArray g = p.getValue().getArray().getGradient();
      assertEquals(DataType.FLOAT16, g.getDataType(), p.getKey());
      float[] gv = g.toType(DataType.FLOAT32, false).toFloatArray();
      double norm = 0;
      for (float f : gv) {
        assertTrue(Float.isFinite(f), p.getKey());
        norm += f * f;
      }
      assertTrue(norm > 0, "no gradient reached " + p.getKey());
    }
  }

  @Test
  void badShapesAndSpecsAreNamed() {
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> new DitVelocityNet(SPEC, new int[] {2}));
    assertEquals(
        "dit: sample shape must be [C, H, W] with H and W multiples of the patch size 2, got [2]",
        e.getMessage());
    DitSpec badHeads = new DitSpec(36, 2, 16, 2, 8);
    e = assertThrows(FlowmatchException.class, () -> new DitVelocityNet(badHeads, SHAPE));
    assertEquals(
        "dit: width must be a multiple of 4 and of heads, depth and heads positive, got width 36,"
            + " heads 8, depth 2",
        e.getMessage());
    e = assertThrows(FlowmatchException.class, () -> new DitVelocityNet(SPEC, new int[] {1, 5, 6}));
    assertTrue(e.getMessage().endsWith("got [1, 5, 6]"), e.getMessage());
  }
}
