package io.flowmatch.training.arch.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class Upsample2xTest {
  @Test
  void withAnIdentityKernelItRepeatsEachPixelTwiceInBothDirections() {
    try (NDManager m = NDManager.newBaseManager()) {
      Upsample2x up = new Upsample2x(1);
      up.initialize(m, DataType.FLOAT32, new Shape(1, 1, 2, 3));
      float[] kernel = new float[9];
      kernel[4] = 1f; // centre tap: the convolution passes its input through
      up.conv().getDirectParameters().get("weight").getArray().set(kernel);
      up.conv().getDirectParameters().get("bias").getArray().set(new float[] {0f});
      NDArray x = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(1, 1, 2, 3));
      float[] out =
          up.forward(new ParameterStore(m, false), new NDList(x), false)
              .singletonOrThrow()
              .toFloatArray();
      assertArrayEquals(
          new float[] {
            1, 1, 2, 2, 3, 3,
            1, 1, 2, 2, 3, 3,
            4, 4, 5, 5, 6, 6,
            4, 4, 5, 5, 6, 6
          },
          out);
    }
  }
}
