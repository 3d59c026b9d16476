package io.flowmatch.inference.solver;

/**
 * The linear field v = A·x with A = [[−a, −ω], [ω, −a]]: a spiral. Exact flow exp(A·Δt) =
 * e^(−aΔt)·R(ωΔt). A larger ω makes the step errors of high-order methods larger than float32
 * round-off at usable step counts.
 */
final class RotationField extends ExactFlowField {
  private final double a;
  private final double omega;

  RotationField(double a, double omega) {
    super(2);
    this.a = a;
    this.omega = omega;
  }

  @Override
  void velocity(double[] x, double t, double[] v) {
    v[0] = -a * x[0] - omega * x[1];
    v[1] = omega * x[0] - a * x[1];
  }

  @Override
  void flow(double[] x, double ta, double tb, double[] out) {
    double dt = tb - ta;
    double decay = Math.exp(-a * dt);
    double cos = Math.cos(omega * dt);
    double sin = Math.sin(omega * dt);
    out[0] = decay * (cos * x[0] - sin * x[1]);
    out[1] = decay * (sin * x[0] + cos * x[1]);
  }
}
