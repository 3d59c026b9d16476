package io.flowmatch.inference.solver;

/**
 * The marginal velocity of the OT path from N(0, I) to N(μ, diag(s²)): x_t ~ N(tμ, σ_t²) with σ_t²
 * = (1 − t)² + t²s², v = μ + (t s² − (1 − t))/σ_t² · (x − tμ), per dimension. Exact flow: x(tb) =
 * tb·μ + σ_tb/σ_ta · (x(ta) − ta·μ); from t = 0 to 1 that is x1 = μ + s·x0.
 */
final class GaussianOtField extends ExactFlowField {
  private final double[] mu;
  private final double[] s;

  GaussianOtField(double[] mu, double[] s) {
    super(mu.length);
    this.mu = mu.clone();
    this.s = s.clone();
  }

  private double sigma(int c, double t) {
    return Math.sqrt((1 - t) * (1 - t) + t * t * s[c] * s[c]);
  }

  @Override
  void velocity(double[] x, double t, double[] v) {
    for (int c = 0; c < mu.length; c++) {
      double var = (1 - t) * (1 - t) + t * t * s[c] * s[c];
      v[c] = mu[c] + (t * s[c] * s[c] - (1 - t)) / var * (x[c] - t * mu[c]);
    }
  }

  @Override
  void flow(double[] x, double ta, double tb, double[] out) {
    for (int c = 0; c < mu.length; c++) {
      out[c] = tb * mu[c] + sigma(c, tb) / sigma(c, ta) * (x[c] - ta * mu[c]);
    }
  }
}
