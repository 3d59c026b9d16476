package io.flowmatch.inference.metrics;

/**
 * Mean and covariance of a point set, in double: the Gaussian that the Fréchet distance compares.
 * The covariance is the unbiased one (divided by n − 1), as numpy.cov computes it for FID.
 *
 * @param mean d values
 * @param covariance d×d, symmetric
 * @param count points it was fitted to
 */
public record GaussianStats(double[] mean, double[][] covariance, int count) {

  /** Fits {@code n ≥ 2} points of {@code dim} values each (two passes: mean, then covariance). */
  public static GaussianStats fit(float[] x, int n, int dim) {
    PointSets.check("points", x, n, dim);
    if (n < 2) {
      throw new IllegalArgumentException("a covariance needs at least 2 points, got " + n);
    }
    double[] mean = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        mean[k] += x[i * dim + k];
      }
    }
    for (int k = 0; k < dim; k++) {
      mean[k] /= n;
    }
    double[][] cov = new double[dim][dim];
    double[] centred = new double[dim];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < dim; k++) {
        centred[k] = x[i * dim + k] - mean[k];
      }
      for (int a = 0; a < dim; a++) {
        double ca = centred[a];
        double[] row = cov[a];
        for (int b = a; b < dim; b++) {
          row[b] += ca * centred[b];
        }
      }
    }
    for (int a = 0; a < dim; a++) {
      for (int b = a; b < dim; b++) {
        cov[a][b] /= n - 1;
        cov[b][a] = cov[a][b];
      }
    }
    return new GaussianStats(mean, cov, n);
  }

  public int dimension() {
    return mean.length;
  }
}
