package io.flowmatch.training.arch.mlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.model.SinusoidalTimeEmbedding;
import io.flowmatch.training.model.UnknownSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MlpVelocityNetTest {
  private static final MlpSpec SPEC = new MlpSpec(32, 2, 16);

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void parameterCountFollowsTheLayout() {
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = Architectures.newBlock(SPEC, new int[] {1, 28, 28});
      b.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(4, new int[] {1, 28, 28}));
      // (784 + 16)·32 + 32, 32·32 + 32, 32·784 + 784
      assertEquals(800 * 32 + 32 + 32 * 32 + 32 + 32 * 784 + 784, FlowModels.parameterCount(b));
      assertEquals(
          java.util.List.of(
              "01hidden0_weight",
              "01hidden0_bias",
              "02hidden1_weight",
              "02hidden1_bias",
              "03out_weight",
              "03out_bias"),
          b.getParameters().keys());
    }
  }

  @Test
  void outputHasTheInputsShapeAndTypeAndTheLayersAsDocumented() {
    try (NDManager m = NDManager.newBaseManager()) {
      int[] shape = {2};
      Block b = Architectures.newBlock(SPEC, shape);
      b.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(3, shape));
      NDArray x = m.create(new float[] {0.5f, -1, 2, 0, -0.25f, 1}, new Shape(3, 2));
      NDArray t = m.create(new float[] {0, 0.5f, 1});
      NDArray v =
          b.forward(new ParameterStore(m, false), new NDList(x, t), false).singletonOrThrow();
      assertEquals(new Shape(3, 2), v.getShape());

      // the same function by hand: [x, emb(t)] → (Linear, SiLU)×2 → Linear
      NDArray h = x.concat(SinusoidalTimeEmbedding.embed(t, 16, DataType.FLOAT32), 1);
      var p = b.getParameters();
      for (int i = 0; i < 2; i++) {
        h = h.matMul(p.valueAt(2 * i).getArray().transpose()).add(p.valueAt(2 * i + 1).getArray());
        h = h.mul(h.neg().exp().add(1).pow(-1));
      }
      NDArray expected = h.matMul(p.valueAt(4).getArray().transpose()).add(p.valueAt(5).getArray());
      assertArrayEquals(expected.toFloatArray(), v.toFloatArray(), 1e-5f);

      // a different batch size works with the same weights; float16 input gives float16 output
      NDArray x16 =
          m.create(new float[] {0.5f, -1}, new Shape(1, 2)).toType(DataType.FLOAT16, false);
      Block b16 = Architectures.newBlock(SPEC, shape);
      b16.initialize(m, DataType.FLOAT16, FlowModels.inputShapes(1, shape));
      NDArray v16 =
          b16.forward(
                  new ParameterStore(m, false),
                  new NDList(x16, m.create(new float[] {0.3f})),
                  false)
              .singletonOrThrow();
      assertEquals(DataType.FLOAT16, v16.getDataType());
      assertEquals(new Shape(1, 2), v16.getShape());
    }
  }

  @Test
  void unknownArchitecturesAndBadSizesAreRejected() {
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () -> Architectures.newBlock(new UnknownSpec(), new int[] {2}));
    assertEquals("unknown model 'resnet', expected one of mlp, unet, dit", e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () -> Architectures.newBlock(new MlpSpec(0, 1, 16), new int[] {2}));
    assertEquals("mlp needs width ≥ 1 and depth ≥ 1, got width 0, depth 1", e.getMessage());
  }
}
