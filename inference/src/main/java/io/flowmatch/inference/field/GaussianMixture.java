package io.flowmatch.inference.field;

import java.util.Arrays;

/**
 * A mixture of isotropic Gaussians, sum_k π_k N(μ_k, s_k² I), and the exact marginal velocity of
 * the OT path from N(0, I) to it.
 *
 * <p>Per component, x_t | k ~ N(t μ_k, σ_k,t² I) with σ_k,t² = (1 − t)² + t² s_k², and E[x1 − x0 |
 * x_t = x, k] = μ_k + (t s_k² − (1 − t)) / σ_k,t² · (x − t μ_k). The marginal velocity is the
 * posterior-weighted sum over k, the posterior being the softmax over k of log π_k − (d/2) log
 * σ_k,t² − |x − t μ_k|² / (2 σ_k,t²). Since s_k > 0, σ_k,t² ≥ s_k² / (1 + s_k²) for every t, so no
 * division by zero anywhere, including t = 1.
 */
public final class GaussianMixture {
  private final double[][] means;
  private final double[] stds;
  private final double[] weights;

  /**
   * @param means K means of the same dimension d ≥ 1
   * @param stds K standard deviations, each positive
   * @param weights K positive weights (normalised here)
   */
  public GaussianMixture(double[][] means, double[] stds, double[] weights) {
    int k = means.length;
    if (k == 0) {
      throw new IllegalArgumentException("a mixture needs at least one component");
    }
    if (stds.length != k || weights.length != k) {
      throw new IllegalArgumentException(
          k
              + " means need "
              + k
              + " stds and weights, got "
              + stds.length
              + " and "
              + weights.length);
    }
    int d = means[0].length;
    if (d == 0) {
      throw new IllegalArgumentException("means must have at least one dimension");
    }
    double total = 0;
    this.means = new double[k][];
    for (int i = 0; i < k; i++) {
      if (means[i].length != d) {
        throw new IllegalArgumentException(
            "mean " + i + " has dimension " + means[i].length + ", expected " + d);
      }
      if (!(stds[i] > 0) || Double.isInfinite(stds[i])) {
        throw new IllegalArgumentException(
            "std " + i + " must be positive and finite, got " + stds[i]);
      }
      if (!(weights[i] > 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            "weight " + i + " must be positive and finite, got " + weights[i]);
      }
      this.means[i] = means[i].clone();
      total += weights[i];
    }
    this.stds = stds.clone();
    this.weights = new double[k];
    for (int i = 0; i < k; i++) {
      this.weights[i] = weights[i] / total;
    }
  }

  /** {@code components} equal-weight 2-D Gaussians of std {@code std}, evenly on a circle. */
  public static GaussianMixture circle(int components, double radius, double std) {
    double[][] means = new double[components][];
    double[] stds = new double[components];
    double[] weights = new double[components];
    for (int k = 0; k < components; k++) {
      double angle = 2 * Math.PI * k / components;
      means[k] = new double[] {radius * Math.cos(angle), radius * Math.sin(angle)};
      stds[k] = std;
      weights[k] = 1;
    }
    return new GaussianMixture(means, stds, weights);
  }

  public int components() {
    return means.length;
  }

  public int dimension() {
    return means[0].length;
  }

  public double[] mean(int k) {
    return means[k].clone();
  }

  public double std(int k) {
    return stds[k];
  }

  /** The normalised weight π_k. */
  public double weight(int k) {
    return weights[k];
  }

  /** The largest |coordinate| of a mean plus three stds: a box that holds almost all samples. */
  public double extent() {
    double extent = 0;
    for (int k = 0; k < means.length; k++) {
      for (double m : means[k]) {
        extent = Math.max(extent, Math.abs(m) + 3 * stds[k]);
      }
    }
    return extent;
  }

  /**
   * Writes the exact marginal velocity at (x, t) into {@code v}, in double precision.
   *
   * @param scratch at least {@link #components()} doubles of working space
   */
  public void velocity(double[] x, double t, double[] v, double[] scratch) {
    int d = dimension();
    int k = components();
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < k; c++) {
      double var = variance(c, t);
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double diff = x[j] - t * means[c][j];
        sq += diff * diff;
      }
      scratch[c] = Math.log(weights[c]) - 0.5 * d * Math.log(var) - 0.5 * sq / var;
      max = Math.max(max, scratch[c]);
    }
    double norm = 0;
    for (int c = 0; c < k; c++) {
      scratch[c] = Math.exp(scratch[c] - max);
      norm += scratch[c];
    }
    Arrays.fill(v, 0, d, 0.0);
    for (int c = 0; c < k; c++) {
      double w = scratch[c] / norm;
      double s2 = stds[c] * stds[c];
      double coef = (t * s2 - (1 - t)) / variance(c, t);
      for (int j = 0; j < d; j++) {
        v[j] += w * (means[c][j] + coef * (x[j] - t * means[c][j]));
      }
    }
  }

  /** σ_k,t² = (1 − t)² + t² s_k². */
  public double variance(int k, double t) {
    return (1 - t) * (1 - t) + t * t * stds[k] * stds[k];
  }

  /** Draws one sample of the mixture (for tests that compare sample statistics). */
  public void sample(java.util.SplittableRandom random, double[] out) {
    double u = random.nextDouble();
    int c = 0;
    double acc = weights[0];
    while (u >= acc && c < weights.length - 1) {
      acc += weights[++c];
    }
    for (int j = 0; j < dimension(); j++) {
      out[j] = means[c][j] + stds[c] * gaussian(random);
    }
  }

  /** A standard normal draw by Box–Muller (SplittableRandom has no nextGaussian in Java 17). */
  private static double gaussian(java.util.SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble(); // in (0, 1]
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
