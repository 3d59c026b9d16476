package io.flowmatch.inference.field;

/**
 * The exact marginal velocity of the OT path from N(0, I) to the target N(μ, s²I), with its exact
 * flow, for tests with known answers.
 *
 * <p>Under x_t = (1 − t) x0 + t x1 the marginal is p_t = N(t μ, σ_t² I) with σ_t² = (1 − t)² + t²
 * s², the velocity is v(x, t) = μ + (t s² − (1 − t)) / σ_t² · (x − t μ), and the flow moves a point
 * from time t0 to t1 as x ↦ t1 μ + (σ_t1 / σ_t0)(x − t0 μ); in particular noise x0 maps to x1 = μ +
 * s x0. σ_t² ≥ s² / (1 + s²) > 0, so nothing divides by zero for any t.
 */
public final class GaussianTargetField extends AnalyticVelocityField {
  private final double[] mean;
  private final double std;

  /** A target with mean {@code mean} (one value per element of the sample) and std {@code std}. */
  public GaussianTargetField(int[] sampleShape, double[] mean, double std) {
    super(sampleShape);
    if (mean.length != sampleSize()) {
      throw new IllegalArgumentException(
          "mean has " + mean.length + " values, expected " + sampleSize());
    }
    if (!(std > 0) || Double.isInfinite(std)) {
      throw new IllegalArgumentException("std must be positive and finite, got " + std);
    }
    this.mean = mean.clone();
    this.std = std;
  }

  /** A target over vectors of {@code mean.length} values. */
  public GaussianTargetField(double[] mean, double std) {
    this(new int[] {mean.length}, mean, std);
  }

  public double[] mean() {
    return mean.clone();
  }

  public double std() {
    return std;
  }

  /** σ_t = sqrt((1 − t)² + t² s²), the std of the marginal at time t. */
  public double sigma(double t) {
    return Math.sqrt((1 - t) * (1 - t) + t * t * std * std);
  }

  @Override
  public void velocity(double[] x, double t, double[] v) {
    double var = (1 - t) * (1 - t) + t * t * std * std;
    double coef = (t * std * std - (1 - t)) / var;
    for (int j = 0; j < mean.length; j++) {
      v[j] = mean[j] + coef * (x[j] - t * mean[j]);
    }
  }

  /** The exact flow of one sample from time t0 to t1: t1 μ + (σ_t1 / σ_t0)(x − t0 μ). */
  public void flow(double[] x, double t0, double t1, double[] out) {
    double ratio = sigma(t1) / sigma(t0);
    for (int j = 0; j < mean.length; j++) {
      out[j] = t1 * mean[j] + ratio * (x[j] - t0 * mean[j]);
    }
  }

  /** The exact flow of {@code n} samples from time t0 to t1, in double, rounded to float. */
  public void flow(float[] x, int n, double t0, double t1, float[] out) {
    double ratio = sigma(t1) / sigma(t0);
    int size = mean.length;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < size; j++) {
        int k = i * size + j;
        out[k] = (float) (t1 * mean[j] + ratio * (x[k] - t0 * mean[j]));
      }
    }
  }
}
