package io.flowmatch.inference.likelihood;

/**
 * Mean and standard error of per-sample negative log-likelihoods (Welford's running moments). With
 * Hutchinson's estimator each sample's value already carries its probes' noise, so the standard
 * error over samples covers data and probes together.
 */
public final class NllSummary {
  private long count;
  private double mean;
  private double m2;

  public void add(double nll) {
    count++;
    double delta = nll - mean;
    mean += delta / count;
    m2 += delta * (nll - mean);
  }

  public long count() {
    return count;
  }

  public double mean() {
    return mean;
  }

  /** Sample standard deviation (0 for fewer than two values). */
  public double std() {
    return count < 2 ? 0 : Math.sqrt(m2 / (count - 1));
  }

  /** Standard error of the mean. */
  public double standardError() {
    return count < 2 ? 0 : std() / Math.sqrt(count);
  }
}
