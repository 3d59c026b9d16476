package io.flowmatch.inference.sampling;

import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.stat.inference.KolmogorovSmirnovTest;

/**
 * How close a stream of values (e.g. the codes an encoder produced) is to the standard normal: mean
 * and variance over all values, and a Kolmogorov–Smirnov test against N(0, 1) on the first {@link
 * #KS_VALUES} values.
 */
public final class GaussianityCheck {
  /** The KS test keeps this many values (its cost grows as n log n). */
  public static final int KS_VALUES = 100_000;

  private long count;
  private double mean;
  private double m2;
  private final double[] kept = new double[KS_VALUES];
  private int keptCount;

  /** Adds the first {@code n} values of {@code values}. */
  public void add(float[] values, int n) {
    for (int i = 0; i < n; i++) {
      double v = values[i];
      // Welford's update: stable for long streams
      count++;
      double d = v - mean;
      mean += d / count;
      m2 += d * (v - mean);
      if (keptCount < KS_VALUES) {
        kept[keptCount++] = v;
      }
    }
  }

  public long count() {
    return count;
  }

  public double mean() {
    return mean;
  }

  /** Population variance. */
  public double variance() {
    return count == 0 ? 0 : m2 / count;
  }

  /** Largest distance between the empirical CDF of the kept values and Φ. */
  public double ksStatistic() {
    return new KolmogorovSmirnovTest().kolmogorovSmirnovStatistic(standardNormal(), keptValues());
  }

  /** The KS test's p-value: small (say below 0.01) when the values are unlikely to be N(0, 1). */
  public double ksPValue() {
    return new KolmogorovSmirnovTest().kolmogorovSmirnovTest(standardNormal(), keptValues());
  }

  /** Number of values the KS test uses. */
  public int ksCount() {
    return keptCount;
  }

  private double[] keptValues() {
    return java.util.Arrays.copyOf(kept, keptCount);
  }

  private static NormalDistribution standardNormal() {
    return new NormalDistribution(null, 0, 1);
  }
}
