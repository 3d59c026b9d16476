package io.flowmatch.inference.sampling;

import io.flowmatch.inference.format.Numbers;

/**
 * What a sampling run cost.
 *
 * @param samples samples integrated
 * @param meanNfe mean model evaluations per sample
 * @param minNfe fewest evaluations any sample had
 * @param maxNfe most evaluations any sample had
 * @param modelCalls batched calls to the model
 * @param modelNanos wall time inside the model
 * @param wallNanos wall time of the whole run (noise, solver, model, output)
 */
public record SampleReport(
    long samples,
    double meanNfe,
    int minNfe,
    int maxNfe,
    long modelCalls,
    long modelNanos,
    long wallNanos) {

  public double wallSeconds() {
    return wallNanos / 1e9;
  }

  public double samplesPerSecond() {
    return wallNanos == 0 ? 0 : samples / wallSeconds();
  }

  /** Mean wall time of one model call, in milliseconds. */
  public double msPerModelCall() {
    return modelCalls == 0 ? 0 : modelNanos / 1e6 / modelCalls;
  }

  /** Share of the wall time spent inside the model, 0..1. */
  public double modelFraction() {
    return wallNanos == 0 ? 0 : (double) modelNanos / wallNanos;
  }

  /** "40" when every sample had the same count, else "38.5 (min 32, max 44)". */
  public String nfeText() {
    if (minNfe == maxNfe) {
      return Integer.toString(minNfe);
    }
    return Numbers.fixed(meanNfe, 1) + " (min " + minNfe + ", max " + maxNfe + ")";
  }
}
