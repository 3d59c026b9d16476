package io.flowmatch.inference.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Sliced Wasserstein-2 distance between two point sets: SW₂ = sqrt(mean over directions θ of
 * W₂²(θ·X, θ·Y)), where W₂ between the two projected (one-dimensional) samples is exact: the
 * integral over u ∈ [0, 1] of the squared difference of their empirical quantile functions, so the
 * two sets may differ in size.
 *
 * <p>Directions: in two dimensions, {@code directions} angles evenly spaced over [0, π), which
 * averages any quadratic form exactly (a pure shift δ gives SW₂ = |δ|/√2, up to rounding); in more
 * dimensions, Gaussian directions normalised to the unit sphere from a fixed seed, so the value is
 * deterministic. The reference's sorted projections are computed once in {@link #of}.
 */
public final class SlicedWasserstein implements PointDistance {
  /** Default number of directions. */
  public static final int DEFAULT_DIRECTIONS = 128;

  private static final long DIRECTION_SEED = 0x5eed_51ced_0001L;

  private final int dim;
  private final double[][] directions;
  private final double[][] sortedReference;

  private SlicedWasserstein(float[] reference, int m, int dim, int count) {
    this.dim = dim;
    this.directions = directions(dim, count);
    this.sortedReference = new double[count][];
    for (int k = 0; k < count; k++) {
      sortedReference[k] = sortedProjection(reference, m, directions[k]);
    }
  }

  /** As {@link #of(float[], int, int, int)} with {@link #DEFAULT_DIRECTIONS} directions. */
  public static SlicedWasserstein of(float[] reference, int m, int dim) {
    return of(reference, m, dim, DEFAULT_DIRECTIONS);
  }

  /** Scores sample sets against {@code m} reference points of {@code dim} values each. */
  public static SlicedWasserstein of(float[] reference, int m, int dim, int directions) {
    PointSets.check("reference", reference, m, dim);
    if (directions < 1) {
      throw new IllegalArgumentException("need at least one direction, got " + directions);
    }
    return new SlicedWasserstein(reference, m, dim, directions);
  }

  /** SW₂ between {@code n} points of {@code x} and the reference. */
  @Override
  public double distanceTo(float[] x, int n) {
    PointSets.check("samples", x, n, dim);
    double sum = 0;
    for (int k = 0; k < directions.length; k++) {
      sum += squaredW2(sortedProjection(x, n, directions[k]), sortedReference[k]);
    }
    return Math.sqrt(sum / directions.length);
  }

  /** SW₂ between two point sets with {@link #DEFAULT_DIRECTIONS} directions. */
  public static double between(float[] x, int n, float[] y, int m, int dim) {
    return of(y, m, dim, DEFAULT_DIRECTIONS).distanceTo(x, n);
  }

  /**
   * W₂² between two sorted one-dimensional samples: ∫₀¹ (A⁻¹(u) − B⁻¹(u))² du for their empirical
   * quantile functions, which are steps at i/n and j/m.
   */
  static double squaredW2(double[] a, double[] b) {
    int n = a.length;
    int m = b.length;
    double sum = 0;
    double u = 0;
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      // the next step of either quantile function: (i+1)/n or (j+1)/m, compared exactly
      long ai = (long) (i + 1) * m;
      long bj = (long) (j + 1) * n;
      double next = ai <= bj ? (double) (i + 1) / n : (double) (j + 1) / m;
      double d = a[i] - b[j];
      sum += (next - u) * d * d;
      u = next;
      if (ai <= bj) {
        i++;
      }
      if (bj <= ai) {
        j++;
      }
    }
    return sum;
  }

  private static double[] sortedProjection(float[] x, int n, double[] direction) {
    int d = direction.length;
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < d; k++) {
        s += direction[k] * x[i * d + k];
      }
      p[i] = s;
    }
    Arrays.sort(p);
    return p;
  }

  /** Unit directions: evenly spaced angles in 2-D, seeded Gaussian ones otherwise. */
  static double[][] directions(int dim, int count) {
    double[][] out = new double[count][dim];
    if (dim == 1) {
      for (double[] o : out) {
        o[0] = 1;
      }
      return out;
    }
    if (dim == 2) {
      for (int k = 0; k < count; k++) {
        double angle = Math.PI * k / count;
        out[k][0] = Math.cos(angle);
        out[k][1] = Math.sin(angle);
      }
      return out;
    }
    SplittableRandom random = new SplittableRandom(DIRECTION_SEED);
    for (double[] o : out) {
      double norm = 0;
      while (norm < 1e-12) {
        norm = 0;
        for (int k = 0; k < dim; k++) {
          o[k] = gaussian(random);
          norm += o[k] * o[k];
        }
      }
      norm = Math.sqrt(norm);
      for (int k = 0; k < dim; k++) {
        o[k] /= norm;
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
