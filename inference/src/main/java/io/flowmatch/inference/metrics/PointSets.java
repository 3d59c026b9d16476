package io.flowmatch.inference.metrics;

/** Argument checks for point sets stored row-major: n points of dim floats each. */
final class PointSets {
  private PointSets() {}

  static void check(String what, float[] points, int n, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("points need at least one dimension, got " + dim);
    }
    if (n < 1) {
      throw new IllegalArgumentException(what + ": need at least one point, got " + n);
    }
    if ((long) n * dim > points.length) {
      throw new IllegalArgumentException(
          what
              + ": "
              + n
              + " points of "
              + dim
              + " values need "
              + (long) n * dim
              + " floats, the array holds "
              + points.length);
    }
  }
}
