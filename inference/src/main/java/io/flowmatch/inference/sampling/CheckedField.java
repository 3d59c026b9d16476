package io.flowmatch.inference.sampling;

import io.flowmatch.inference.error.NonFiniteException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import java.util.Map;

/**
 * Wraps the field of one batch of a sampling run: stops at the first non-finite velocity with a
 * message that names the samples by their index in the whole run and the times they were at, and
 * follows how far in t the batch has come, calling back after every model call (for the progress
 * bar).
 *
 * <p>Solvers check velocities too, but they only know indices within the batch they were given;
 * this wrapper knows the batch's offset. Calls on a subset of the batch (solvers that drop finished
 * samples) cannot be mapped to indices and are left to the solver's own check.
 */
final class CheckedField implements VelocityField {
  private static final int LISTED = 5;
  private final VelocityField inner;
  private final long total;
  private final double t0;
  private final double t1;
  private long first;
  private int batchSize;
  private double progress;
  private Runnable afterCall = () -> {};

  CheckedField(VelocityField inner, long total, double t0, double t1) {
    this.inner = inner;
    this.total = total;
    this.t0 = t0;
    this.t1 = t1;
  }

  /**
   * Starts a batch of {@code size} samples whose first has index {@code first} in the run; {@code
   * afterCall} runs after each of its model calls.
   */
  void beginBatch(long first, int size, Runnable afterCall) {
    this.first = first;
    this.batchSize = size;
    this.progress = 0;
    this.afterCall = afterCall;
  }

  /** Fraction of [t0, t1] that every sample of the current batch has reached, 0..1. */
  double batchProgress() {
    return progress;
  }

  @Override
  public int[] sampleShape() {
    return inner.sampleShape();
  }

  @Override
  public int sampleSize() {
    return inner.sampleSize();
  }

  @Override
  public Map<String, String> metadata() {
    return inner.metadata();
  }

  @Override
  public void evaluate(float[] x, float[] t, int n, float[] v) {
    inner.evaluate(x, t, n, v);
    double span = t1 - t0;
    double reached = 1;
    for (int j = 0; j < n; j++) {
      reached = Math.min(reached, span == 0 ? 1 : (t[j] - t0) / span);
    }
    progress = Math.max(progress, Math.max(0, reached));
    if (n == batchSize) {
      checkFinite(v, t, n);
    }
    afterCall.run();
  }

  private void checkFinite(float[] v, float[] t, int n) {
    int size = inner.sampleSize();
    int len = n * size;
    int k = 0;
    while (k < len && Float.isFinite(v[k])) {
      k++;
    }
    if (k == len) {
      return;
    }
    // slow path, once: collect which samples and what kind
    int bad = 0;
    boolean nan = false;
    boolean inf = false;
    boolean sharedTime = true;
    float firstTime = Float.NaN;
    StringBuilder list = new StringBuilder();
    StringBuilder listWithTimes = new StringBuilder();
    long[] indices = new long[Math.min(n, LISTED)];
    for (int j = 0; j < n; j++) {
      boolean sampleBad = false;
      for (int i = j * size, end = i + size; i < end; i++) {
        if (Float.isNaN(v[i])) {
          nan = true;
          sampleBad = true;
        } else if (Float.isInfinite(v[i])) {
          inf = true;
          sampleBad = true;
        }
      }
      if (!sampleBad) {
        continue;
      }
      if (bad == 0) {
        firstTime = t[j];
      } else if (t[j] != firstTime) {
        sharedTime = false;
      }
      if (bad < LISTED) {
        String sep = bad == 0 ? "" : ", ";
        list.append(sep).append(first + j);
        indices[bad] = first + j;
        listWithTimes.append(sep).append(first + j).append(" at t=").append(Numbers.compact(t[j]));
      }
      bad++;
    }
    String kind = nan && inf ? "NaN and Inf" : nan ? "NaN" : "Inf";
    String more = bad > LISTED ? ", ..." : "";
    String where =
        sharedTime
            ? (bad == 1 ? "sample " : "samples ")
                + list
                + more
                + " at t="
                + Numbers.compact(firstTime)
            : "samples " + listWithTimes + more;
    String of =
        batchSize == total
            ? bad + " of " + total + " samples"
            : bad
                + " of the batch of samples "
                + first
                + "-"
                + (first + batchSize - 1)
                + ", "
                + total
                + " in all";
    throw new NonFiniteVelocityException(
        "the model returned a non-finite velocity (" + kind + ") for " + where + " (" + of + ")",
        java.util.Arrays.copyOf(indices, Math.min(bad, LISTED)),
        firstTime);
  }

  /** The wrapped field is owned by the caller. */
  @Override
  public void close() {}

  /** Thrown by this wrapper: its sample numbers already count from the run's first sample. */
  static final class NonFiniteVelocityException extends NonFiniteException {
    NonFiniteVelocityException(String message, long[] sampleIndices, double time) {
      super(message, sampleIndices, time);
    }
  }
}
