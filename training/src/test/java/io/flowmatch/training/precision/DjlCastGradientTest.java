package io.flowmatch.training.precision;

import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.flowmatch.training.TestEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the DJL limitation {@link HalfPrecisionPolicy} is built around: a cast ({@code toType})
 * inside the forward pass is not recorded by autograd, so no gradient flows back through it and
 * per-op autocast (casting activations and weights around each matmul) cannot train. If a DJL
 * upgrade records the cast, this test fails and per-op mixed precision becomes possible.
 */
class DjlCastGradientTest {
  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void backwardThroughACastFindsNoGraph() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1f, 2f, 3f});
      w.setRequiresGradient(true);
      assertThrows(
          EngineException.class,
          () -> {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray half = w.toType(DataType.FLOAT16, false);
              gc.backward(half.mul(half).toType(DataType.FLOAT32, false).sum());
            }
          });
    }
  }
}
