package io.flowmatch.training.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.model.FlowModels;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DjlEulerTest {
  private static final MlpSpec SPEC = new MlpSpec(16, 2, 8);
  private static final int[] SHAPE = {2};

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void slicedCallsGiveTheSameSamplesAsWholeBatchCallsAndAHandWrittenLoop() {
    int n = 10;
    int steps = 4;
    float[] x0 = new float[2 * n];
    Random r = new Random(5);
    for (int i = 0; i < x0.length; i++) {
      x0[i] = (float) r.nextGaussian();
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = Architectures.newBlock(SPEC, SHAPE);
      b.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(n, SHAPE));
      float[] whole = DjlEuler.sample(m, b, x0, n, SHAPE, steps).samples();
      float[] sliced = DjlEuler.sample(m, b, x0, n, SHAPE, steps, 3).samples(); // 3+3+3+1
      assertArrayEquals(whole, sliced, 1e-6f);

      // Euler by hand: x ← x + h·v(x, t_k)
      NDArray x = m.create(x0, FlowModels.inputShapes(n, SHAPE)[0]);
      for (int k = 0; k < steps; k++) {
        NDArray t = m.full(new ai.djl.ndarray.types.Shape(n), k / (float) steps);
        NDArray v =
            b.forward(new ParameterStore(m, false), new NDList(x, t), false).singletonOrThrow();
        x = x.add(v.mul(1f / steps));
      }
      assertArrayEquals(x.toFloatArray(), whole, 1e-6f);
      assertEquals(2 * n, whole.length);
      assertThrows(
          IllegalArgumentException.class, () -> DjlEuler.sample(m, b, x0, n, SHAPE, steps, 0));
    }
  }
}
