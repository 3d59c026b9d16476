package io.flowmatch.inference.metrics;

/**
 * Energy distance between two samples (Székely and Rizzo): D² = 2·E|X − Y| − E|X − X'| − E|Y − Y'|,
 * with Euclidean distances. It is zero exactly when the two distributions are equal and grows with
 * any difference in location or shape.
 *
 * <p>Computed as a V-statistic: every mean runs over all pairs, the zero distances of a point to
 * itself included. So D² ≥ 0 always and D² = 0 for two identical sets; independent samples of one
 * distribution give a small positive value of order E|X − X'|/n (the floor that {@code eval} prints
 * next to it). Cost O(n·m·d).
 *
 * <p>The reference set's own term E|Y − Y'| is computed once in {@link #of}, so one reference can
 * score many sample sets.
 */
public final class EnergyDistance implements PointDistance {
  private final float[] reference;
  private final int m;
  private final int dim;
  private final double withinReference;

  private EnergyDistance(float[] reference, int m, int dim) {
    this.reference = reference;
    this.m = m;
    this.dim = dim;
    this.withinReference = meanDistanceWithin(reference, m, dim);
  }

  /**
   * Scores sample sets against {@code m} reference points of {@code dim} values each (the array is
   * kept, not copied).
   */
  public static EnergyDistance of(float[] reference, int m, int dim) {
    PointSets.check("reference", reference, m, dim);
    return new EnergyDistance(reference, m, dim);
  }

  /** D² between {@code n} points in {@code x} and the reference. */
  @Override
  public double distanceTo(float[] x, int n) {
    PointSets.check("samples", x, n, dim);
    double between = meanDistance(x, n, reference, m, dim);
    double within = meanDistanceWithin(x, n, dim);
    // rounding can leave a tiny negative value for two equal sets
    return Math.max(0, 2 * between - within - withinReference);
  }

  /** D² between two point sets. */
  public static double between(float[] x, int n, float[] y, int m, int dim) {
    return of(y, m, dim).distanceTo(x, n);
  }

  /**
   * Mean distance over all n² ordered pairs of one set (i = j included): each pair once, doubled.
   */
  static double meanDistanceWithin(float[] a, int n, int dim) {
    double sum = 0;
    for (int i = 1; i < n; i++) {
      int ai = i * dim;
      double row = 0;
      for (int j = 0; j < i; j++) {
        row += distance(a, ai, a, j * dim, dim);
      }
      sum += row;
    }
    return 2 * sum / ((double) n * n);
  }

  /** Mean Euclidean distance over all n·m pairs (a, b), accumulated in double. */
  static double meanDistance(float[] a, int n, float[] b, int m, int dim) {
    double sum = 0;
    if (dim == 2) {
      for (int i = 0; i < n; i++) {
        double ax = a[2 * i];
        double ay = a[2 * i + 1];
        double row = 0;
        for (int j = 0; j < m; j++) {
          double dx = ax - b[2 * j];
          double dy = ay - b[2 * j + 1];
          row += Math.sqrt(dx * dx + dy * dy);
        }
        sum += row;
      }
    } else {
      for (int i = 0; i < n; i++) {
        int ai = i * dim;
        double row = 0;
        for (int j = 0; j < m; j++) {
          row += distance(a, ai, b, j * dim, dim);
        }
        sum += row;
      }
    }
    return sum / ((double) n * m);
  }

  /** Euclidean distance between a[ai .. ai+dim) and b[bj .. bj+dim), in double. */
  private static double distance(float[] a, int ai, float[] b, int bj, int dim) {
    double sq = 0;
    for (int k = 0; k < dim; k++) {
      double d = a[ai + k] - b[bj + k];
      sq += d * d;
    }
    return Math.sqrt(sq);
  }
}
