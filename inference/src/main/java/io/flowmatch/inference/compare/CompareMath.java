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
}
