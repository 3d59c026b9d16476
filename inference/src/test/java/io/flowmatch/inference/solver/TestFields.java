package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;

/** Small fields for the error paths of the solver tests. */
final class TestFields {
  private TestFields() {}

  /**
   * dx/dt = (1, 0) in 2-D, but NaN for samples whose first coordinate exceeds 100 at times t ≥
   * {@code from} (forward) — a field that breaks only for some samples after some time.
   */
  static VelocityField nanFor(double from, VelocityField base) {
    return new VelocityField() {
      @Override
      public int[] sampleShape() {
        return base.sampleShape();
      }

      @Override
      public void evaluate(float[] x, float[] t, int n, float[] v) {
        base.evaluate(x, t, n, v);
        int d = base.sampleSize();
        for (int i = 0; i < n; i++) {
          if (x[i * d] > 100 && t[i] >= from) {
            v[i * d] = Float.NaN;
          }
        }
      }
    };
  }

  /** The constant field v = (1, 0). */
  static VelocityField constant() {
    return new VelocityField() {
      @Override
      public int[] sampleShape() {
        return new int[] {2};
      }

      @Override
      public void evaluate(float[] x, float[] t, int n, float[] v) {
        for (int i = 0; i < n; i++) {
          v[2 * i] = 1;
          v[2 * i + 1] = 0;
        }
      }
    };
  }

  /** v = 1/(0.5 − t) in 1-D: finite for float t ≠ 0.5 but singular there. */
  static VelocityField singularAtHalf() {
    return new VelocityField() {
      @Override
      public int[] sampleShape() {
        return new int[] {1};
      }

      @Override
      public void evaluate(float[] x, float[] t, int n, float[] v) {
        for (int i = 0; i < n; i++) {
          v[i] = (float) (1 / (0.5 - t[i]));
        }
      }
    };
  }
}
