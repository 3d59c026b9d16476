package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.NonFiniteException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;

/**
 * The one door through which a solver calls its velocity field: it times each call, counts model
 * evaluations per sample, and stops the solve when the field returns NaN or Inf, naming the samples
 * and times.
 *
 * <p>Whole-batch calls ({@link #evaluate(float[], double, int, float[])}) evaluate samples 0..n−1
 * at one time; subset calls ({@link #evaluate(float[], float[], int, float[], int[])}) evaluate a
 * compact gather of some samples, each at its own time.
 */
final class FieldCalls {
  private static final int LISTED_SAMPLES = 5;

  private final String solverName;
  private final VelocityField field;
  private final int batchSize;
  private final int sampleSize;
  private final float[] sameTime;
  private final int[] subsetEvaluations;
  private long wholeBatchCalls;
  private long calls;
  private long nanos;

  FieldCalls(String solverName, VelocityField field, int batchSize) {
    this.solverName = solverName;
    this.field = field;
    this.batchSize = batchSize;
    this.sampleSize = field.sampleSize();
    this.sameTime = new float[batchSize];
    this.subsetEvaluations = new int[batchSize];
  }

  int sampleSize() {
    return sampleSize;
  }

  /** v(x_i, t) for samples 0..n−1, all at time t. */
  void evaluate(float[] x, double t, int n, float[] v) {
    float tf = (float) t;
    for (int i = 0; i < n; i++) {
      sameTime[i] = tf;
    }
    timedCall(x, sameTime, n, v);
    wholeBatchCalls++;
    checkFinite(v, sameTime, n, null);
  }

  /**
   * v(x_j, t_j) for m gathered samples; {@code sampleOf[j]} is the batch index of slot j, used for
   * counting and in error messages.
   */
  void evaluate(float[] x, float[] t, int m, float[] v, int[] sampleOf) {
    timedCall(x, t, m, v);
    for (int j = 0; j < m; j++) {
      subsetEvaluations[sampleOf[j]]++;
    }
    checkFinite(v, t, m, sampleOf);
  }

  private void timedCall(float[] x, float[] t, int n, float[] v) {
    long start = System.nanoTime();
    field.evaluate(x, t, n, v);
    nanos += System.nanoTime() - start;
    calls++;
  }

  /** Evaluations sample i has been through so far. */
  int evaluationsOf(int sample) {
    return (int) (wholeBatchCalls + subsetEvaluations[sample]);
  }

  long calls() {
    return calls;
  }

  SolveResult result(int steps, int rejectedSteps) {
    int[] nfe = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      nfe[i] = evaluationsOf(i);
    }
    return new SolveResult(nfe, calls, steps, rejectedSteps, nanos);
  }

  private void checkFinite(float[] v, float[] t, int m, int[] sampleOf) {
    int len = m * sampleSize;
    for (int k = 0; k < len; k++) {
      if (!Float.isFinite(v[k])) {
        throw nonFinite(v, t, m, sampleOf);
      }
    }
  }

  /** Lists the first few bad samples; one time when they share it, else a time per sample. */
  private NonFiniteException nonFinite(float[] v, float[] t, int m, int[] sampleOf) {
    int bad = 0;
    long[] indices = new long[Math.min(m, LISTED_SAMPLES)];
    boolean sharedTime = true;
    float firstTime = Float.NaN;
    StringBuilder samples = new StringBuilder();
    StringBuilder samplesWithTimes = new StringBuilder();
    for (int j = 0; j < m; j++) {
      if (!finiteSample(v, j)) {
        if (bad == 0) {
          firstTime = t[j];
        } else if (t[j] != firstTime) {
          sharedTime = false;
        }
        if (bad < LISTED_SAMPLES) {
          int index = sampleOf == null ? j : sampleOf[j];
          indices[bad] = index;
          String sep = bad == 0 ? "" : ", ";
          samples.append(sep).append(index);
          samplesWithTimes.append(sep).append(index).append(" at t=").append(number(t[j]));
        }
        bad++;
      }
    }
    String more = bad > LISTED_SAMPLES ? ", ..." : "";
    String where =
        sharedTime
            ? (bad == 1 ? "sample " : "samples ") + samples + more + " at t=" + number(firstTime)
            : "samples " + samplesWithTimes + more;
    return new NonFiniteException(
        solverName
            + ": non-finite velocity (NaN or Inf) for "
            + where
            + " ("
            + bad
            + " of "
            + batchSize
            + " samples)",
        java.util.Arrays.copyOf(indices, Math.min(bad, LISTED_SAMPLES)),
        firstTime);
  }

  private boolean finiteSample(float[] v, int j) {
    for (int k = j * sampleSize, end = k + sampleSize; k < end; k++) {
      if (!Float.isFinite(v[k])) {
        return false;
      }
    }
    return true;
  }

  /** A short rendering of a number for messages: 0.43, 1e-06, 10000. */
  static String number(double value) {
    return Numbers.compact(value, 4);
  }
}
