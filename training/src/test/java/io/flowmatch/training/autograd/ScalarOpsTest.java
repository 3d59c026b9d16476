package io.flowmatch.training.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScalarOpsTest {
  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void theGradientThroughAScaledLossSurvivesAGarbageCollectionBeforeBackward() throws Exception {
    // d/dw ½Σw² = w and d/dw (Σw²)/2 = w, exactly in float32
    float[] w = {1, -2, 3};
    assertArrayEquals(w, gradientAfterCollection(w, s -> ScalarOps.times(s, 0.5)));
    assertArrayEquals(w, gradientAfterCollection(w, s -> ScalarOps.dividedBy(s, 2)));
  }

  @Test
  void aFloat16OperandKeepsItsType() {
    try (NDManager sub = manager.newSubManager()) {
      NDArray h = sub.create(new float[] {1, 2}).toType(DataType.FLOAT16, false);
      NDArray scaled = ScalarOps.times(h, 0.25);
      assertEquals(DataType.FLOAT16, scaled.getDataType());
      assertArrayEquals(
          new float[] {0.25f, 0.5f}, scaled.toType(DataType.FLOAT32, false).toFloatArray());
    }
  }

  /**
   * Builds the loss, then forces collections and refills freed direct memory before backward, as a
   * busy JVM may do between forward and backward. With DJL's own {@code mul(0.5f)} this gave
   * gradients of about 1e-39·w (the constant read from reused memory).
   */
  private static float[] gradientAfterCollection(float[] w, UnaryOperator<NDArray> scale)
      throws InterruptedException {
    try (NDManager sub = manager.newSubManager()) {
      NDArray p = sub.create(w);
      p.setRequiresGradient(true);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray loss = scale.apply(p.square().sum());
        for (int i = 0; i < 5; i++) {
          System.gc();
          Thread.sleep(20); // lets the cleaner thread free unreachable direct buffers
        }
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
          ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
          b.putFloat(0, 1e-6f);
          reuse.add(b);
        }
        collector.backward(loss);
        assertEquals(20_000, reuse.size());
      }
      return p.getGradient().toFloatArray();
    }
  }
}
