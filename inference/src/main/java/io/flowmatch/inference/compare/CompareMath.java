package io.flowmatch.inference.compare;

/** Error measures shared by compare, the reference and grid tuning. */
public final class CompareMath {
  private CompareMath() {}

  /** RMS over all values of a − b. */
  public static double rmsDifference(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum / a.length);
  }

  /**
   * Each sample's RMS of a − b, for n samples of {@code size} values: the per-sample form of {@link
   * #rmsDifference}, so that shards solved apart and combined in sample order ({@link
   * CompareEngine#errorSummary}) give the same figure as one machine, bit for bit.
   */
  public static double[] sampleDifferences(double[] a, double[] b, int n, int size) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int k = i * size; k < (i + 1) * size; k++) {
        double d = a[k] - b[k];
        sq += d * d;
      }
      out[i] = Math.sqrt(sq / size);
    }
    return out;
  }
}
