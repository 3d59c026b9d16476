package io.flowmatch.inference.metrics;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The sufficient statistics of a Gaussian fit, accumulated in one pass and mergeable: the count, Σf
 * and the upper triangle of Σffᵀ, all in double. Parts computed over disjoint sample ranges (on
 * other threads or machines) {@link #merge} into the statistics of their union, so a Fréchet
 * distance over millions of samples needs only these d + d(d+1)/2 numbers per part, never the
 * samples themselves.
 *
 * <p>{@link #stats()} gives the same mean and unbiased covariance as {@link GaussianStats#fit} up
 * to the order of summation (and the one-pass form's rounding: Σffᵀ − n μμᵀ).
 */
public final class FeatureMoments implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int dim;
  private long count;
  private final double[] sum;

  /** Row-major upper triangle of Σffᵀ: (a, b) with b ≥ a. */
  private final double[] products;

  /** Empty moments of {@code dim}-dimensional points. */
  public FeatureMoments(int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dimension must be positive, got " + dim);
    }
    this.dim = dim;
    this.sum = new double[dim];
    this.products = new double[dim * (dim + 1) / 2];
  }

  /** Adds {@code n} points of {@code dim} values each, row-major in {@code x}. */
  public FeatureMoments add(float[] x, int n) {
    PointSets.check("points", x, n, dim);
    double[] f = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        f[k] = x[i * dim + k];
        sum[k] += f[k];
      }
      int p = 0;
      for (int a = 0; a < dim; a++) {
        double fa = f[a];
        for (int b = a; b < dim; b++) {
          products[p++] += fa * f[b];
        }
      }
    }
    count += n;
    return this;
  }

  /** Adds {@code other}'s points to these (the moments of the union); returns this. */
  public FeatureMoments merge(FeatureMoments other) {
    if (other.dim != dim) {
      throw new IllegalArgumentException("moments of dimensions " + dim + " and " + other.dim);
    }
    for (int k = 0; k < dim; k++) {
      sum[k] += other.sum[k];
    }
    for (int p = 0; p < products.length; p++) {
      products[p] += other.products[p];
    }
    count += other.count;
    return this;
  }

  public int dimension() {
    return dim;
  }

  public long count() {
    return count;
  }

  /** Σf (a copy). */
  public double[] sum() {
    return sum.clone();
  }

  /** Mean and unbiased covariance (Σffᵀ − n μμᵀ) / (n − 1); needs at least 2 points. */
  public GaussianStats stats() {
    if (count < 2) {
      throw new IllegalArgumentException("a covariance needs at least 2 points, got " + count);
    }
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("at most " + Integer.MAX_VALUE + " points, got " + count);
    }
    double[] mean = new double[dim];
    for (int k = 0; k < dim; k++) {
      mean[k] = sum[k] / count;
    }
    double[][] cov = new double[dim][dim];
    int p = 0;
    for (int a = 0; a < dim; a++) {
      for (int b = a; b < dim; b++) {
        cov[a][b] = (products[p++] - count * mean[a] * mean[b]) / (count - 1);
        cov[b][a] = cov[a][b];
      }
    }
    return new GaussianStats(mean, cov, (int) count);
  }

  @Override
  public String toString() {
    return "FeatureMoments[dim=" + dim + ", count=" + count + ", sum=" + Arrays.toString(sum) + "]";
  }
}
