package io.flowmatch.inference.sampling;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.error.NonFiniteException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.runtime.MemoryBudget;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;
import io.flowmatch.inference.solver.ToleranceException;
import java.io.IOException;

/**
 * Integrates many samples in batches: for each batch, initial states from a {@link NoiseSource},
 * one solve from t0 to t1, then the results to a {@link Sink}. Memory holds one batch, whatever the
 * number of samples.
 *
 * <p>Forward sampling is t0 = 0 (noise) to t1 = 1 (data); encoding runs t0 = 1 to t1 = 0.
 */
public final class Sampler {
  private Sampler() {}

  /** Receives each finished batch; {@code x} holds {@code count} samples (and may be reused). */
  public interface Sink {
    void accept(long firstSample, int count, float[] x) throws IOException;
  }

  /** Receives the fraction of the run done, 0..1, after every model call. */
  public interface Progress {
    Progress NONE = fraction -> {};

    void update(double fraction);
  }

  /**
   * Runs the integration.
   *
   * @param n number of samples
   * @param batch most samples per solve
   * @throws FlowmatchException on a non-finite velocity or state, or an exceeded evaluation bound
   */
  public static SampleReport run(
      VelocityField field,
      OdeSolver solver,
      NoiseSource source,
      long n,
      int batch,
      double t0,
      double t1,
      Sink sink,
      Progress progress)
      throws IOException {
    if (n < 1 || batch < 1) {
      throw new IllegalArgumentException(
          "need n ≥ 1 and batch ≥ 1, got n=" + n + ", batch=" + batch);
    }
    long start = System.nanoTime();
    int size = field.sampleSize();
    int capacity = (int) Math.min(batch, n);
    // the state and the velocity at least: sized before allocating, one line if they cannot fit
    float[] x =
        new float
            [MemoryBudget.floats(
                "a batch of " + capacity + " samples",
                capacity,
                size,
                2,
                "choose a smaller batch (--batch)")];
    long batches = (n + capacity - 1) / capacity;
    CheckedField checked = new CheckedField(field, n, t0, t1);
    Progress perCall = progress == Progress.NONE ? null : progress;
    long nfeSum = 0;
    int nfeMin = Integer.MAX_VALUE;
    int nfeMax = 0;
    long calls = 0;
    long modelNanos = 0;
    for (long b = 0; b < batches; b++) {
      long first = b * capacity;
      int m = (int) Math.min(capacity, n - first);
      source.fill(first, m, size, x);
      final long done = b;
      checked.beginBatch(
          first,
          m,
          perCall == null
              ? () -> {}
              : () -> perCall.update((done + checked.batchProgress()) / batches));
      SolveResult r;
      try {
        r = solver.solve(checked, x, m, t0, t1);
      } catch (CheckedField.NonFiniteVelocityException e) {
        throw e;
      } catch (NonFiniteException e) {
        if (batches == 1) {
          throw e;
        }
        // the solver numbers samples within the batch it was given
        long[] inRun = e.sampleIndices();
        for (int i = 0; i < inRun.length; i++) {
          inRun[i] += first;
        }
        throw new NonFiniteException(
            e.getMessage() + batchNote(first, m, n, inRun.length > 0), inRun, e.time());
      } catch (ToleranceException e) {
        if (batches == 1) {
          throw e;
        }
        long[] inRun = e.sampleIndices();
        for (int i = 0; i < inRun.length; i++) {
          inRun[i] += first;
        }
        throw new ToleranceException(
            e.getMessage() + batchNote(first, m, n, inRun.length > 0), inRun);
      }
      checkStates(x, m, size, first, n, t1);
      sink.accept(first, m, x);
      for (int v : r.nfePerSample()) {
        nfeSum += v;
        nfeMin = Math.min(nfeMin, v);
        nfeMax = Math.max(nfeMax, v);
      }
      calls += r.modelCalls();
      modelNanos += r.modelNanos();
      progress.update((double) (b + 1) / batches);
    }
    return new SampleReport(
        n, (double) nfeSum / n, nfeMin, nfeMax, calls, modelNanos, System.nanoTime() - start);
  }

  private static String batchNote(long first, int m, long n, boolean numbersSamples) {
    return " [batch of samples "
        + first
        + "-"
        + (first + m - 1)
        + " of "
        + n
        + (numbersSamples ? "; the sample numbers above are within that batch]" : "]");
  }

  /** A finite velocity can still carry a state to Inf; such samples are not returned as results. */
  private static void checkStates(float[] x, int m, int size, long first, long n, double t1) {
    int k = 0;
    int len = m * size;
    while (k < len && Float.isFinite(x[k])) {
      k++;
    }
    if (k == len) {
      return;
    }
    int bad = 0;
    StringBuilder list = new StringBuilder();
    long[] indices = new long[Math.min(m, 5)];
    for (int j = 0; j < m; j++) {
      for (int i = j * size, end = i + size; i < end; i++) {
        if (!Float.isFinite(x[i])) {
          if (bad < 5) {
            list.append(bad == 0 ? "" : ", ").append(first + j);
            indices[bad] = first + j;
          }
          bad++;
          break;
        }
      }
    }
    throw new NonFiniteException(
        "the integration ended with non-finite values at t="
            + Numbers.compact(t1)
            + " for "
            + (bad == 1 ? "sample " : "samples ")
            + list
            + (bad > 5 ? ", ..." : "")
            + " ("
            + bad
            + " of the "
            + m
            + " samples from "
            + first
            + ")",
        java.util.Arrays.copyOf(indices, Math.min(bad, 5)),
        t1);
  }
}
