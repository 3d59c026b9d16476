package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;

/** Argument checks shared by every solver. */
final class SolveArguments {
  private SolveArguments() {}

  static void check(String solver, VelocityField field, float[] x, int n, double t0, double t1) {
    if (n < 0) {
      throw new IllegalArgumentException(solver + ": batch size must be >= 0, got " + n);
    }
    long needed = (long) n * field.sampleSize();
    if (x.length < needed) {
      throw new IllegalArgumentException(
          solver
              + ": state holds "
              + x.length
              + " floats, expected at least "
              + needed
              + " for "
              + n
              + " samples of "
              + field.sampleSize());
    }
    if (!Double.isFinite(t0) || !Double.isFinite(t1)) {
      throw new IllegalArgumentException(
          solver + ": times must be finite, got t0=" + t0 + ", t1=" + t1);
    }
  }
}
