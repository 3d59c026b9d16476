package io.flowmatch.inference.io;

import java.util.Arrays;

/**
 * A float array read from or written to a {@code .npy} file: C order, {@code data.length} is the
 * product of {@code shape}.
 */
public record NpyArray(int[] shape, float[] data) {

  public NpyArray {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          data.length + " floats do not fill shape " + NpyHeader.shapeString(shape));
    }
  }

  /** Items along the first axis. */
  public int rows() {
    return shape.length == 0 ? 1 : shape[0];
  }
}
