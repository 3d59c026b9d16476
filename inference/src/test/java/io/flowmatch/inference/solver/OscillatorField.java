package io.flowmatch.inference.solver;

/**
 * A 2-D field whose difficulty depends on the sample: dx/dt = y·cos(y·t), dy/dt = 0. The second
 * coordinate y is a frequency that never changes; a sample with y = 1 is easy, one with y = 40 is
 * hard. Exact flow: x(tb) = x(ta) + sin(y·tb) − sin(y·ta).
 */
final class OscillatorField extends ExactFlowField {
  OscillatorField() {
    super(2);
  }

  @Override
  void velocity(double[] x, double t, double[] v) {
    v[0] = x[1] * Math.cos(x[1] * t);
    v[1] = 0;
  }

  @Override
  void flow(double[] x, double ta, double tb, double[] out) {
    out[0] = x[0] + Math.sin(x[1] * tb) - Math.sin(x[1] * ta);
    out[1] = x[1];
  }

  /** n samples at x = 0 with frequencies from {@code frequencies}, cycled. */
  static float[] batch(int n, double... frequencies) {
    float[] x = new float[2 * n];
    for (int i = 0; i < n; i++) {
      x[2 * i + 1] = (float) frequencies[i % frequencies.length];
    }
    return x;
  }
}
