package io.flowmatch.inference.compare;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.error.NonFiniteException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.solver.ToleranceException;
import java.util.function.Consumer;
import org.apache.commons.math3.exception.MaxCountExceededException;
import org.apache.commons.math3.exception.NumberIsTooSmallException;
import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;
import org.apache.commons.math3.ode.nonstiff.DormandPrince853Integrator;

/**
 * The reference solution that a comparison measures errors against: Commons Math's Dormand–Prince
 * 8(5,3) at a tight tolerance, with the integrator's state, steps and result in double precision.
 *
 * <p>What "double precision" means here, honestly: the ONNX model computes in float32, so each
 * derivative call rounds the state to float, evaluates the model in float, and widens the velocity
 * back to double. The reference is therefore the exact flow of the float32 model's velocity up to
 * the integrator's tolerance plus a floor from float rounding of each call (about 1e-7 relative),
 * which is far below the errors of the solvers being compared except the tightest ones. Unlike
 * {@code dop853} in {@code flowmatch sample}, the result stays in double, not rounded to float.
 *
 * <p>Each batch of {@code batch} samples is one ODE system. Commons Math measures the error as one
 * RMS over the whole system, so a single sample's error can exceed the tolerance by up to
 * sqrt(components of the batch); small reference batches make the control per sample (batch 1 is
 * exact per-sample control) at the cost of more, smaller model calls.
 */
public final class ReferenceSolver {
  /** Default tolerance (rtol and atol), as text for option defaults. */
  public static final String DEFAULT_TOLERANCE = "1e-8";

  /** Default bound on model calls per batch. */
  public static final long DEFAULT_MAX_EVALUATIONS = 100_000;

  static final double MIN_STEP_FRACTION = 1e-12;

  private final double rtol;
  private final double atol;
  private final long maxEvaluations;

  public ReferenceSolver(double rtol, double atol, long maxEvaluations) {
    this.rtol = rtol;
    this.atol = atol;
    this.maxEvaluations = maxEvaluations;
  }

  /** What the reference cost. */
  public record Result(double[] x, double meanNfe, int maxNfe, long wallNanos) {}

  /** Receives progress of a solve, at most about once a second and at the end of each batch. */
  public interface Progress {
    Progress NONE = (done, total, t, nfe, seconds) -> {};

    /**
     * @param samplesDone samples finished so far
     * @param total samples in the solve
     * @param t time the current batch has reached
     * @param nfeSoFar model evaluations per sample spent so far (finished batches and the current)
     * @param seconds wall time so far
     */
    void update(int samplesDone, int total, double t, long nfeSoFar, double seconds);

    /**
     * Progress as one line per update ("3/8 samples done, current batch at t=…"), to {@code sink}.
     */
    static Progress lines(Consumer<String> sink) {
      return (done, total, t, nfe, seconds) ->
          sink.accept(
              done
                  + "/"
                  + total
                  + " samples done, current batch at t="
                  + Numbers.fixed(t, 3)
                  + ", NFE/sample so far "
                  + nfe
                  + ", "
                  + Numbers.fixed(seconds, 0)
                  + " s");
    }
  }

  public double rtol() {
    return rtol;
  }

  public double atol() {
    return atol;
  }

  /** A description for tables and messages: {@code dop853 (rtol 1e-8, atol 1e-8, double state)}. */
  public String describe() {
    return "dop853 (rtol "
        + SolverSetting.number(rtol)
        + ", atol "
        + SolverSetting.number(atol)
        + ", double state)";
  }

  /**
   * Integrates {@code n} samples from t0 to t1 in batches of {@code batch}.
   *
   * @param start n·sampleSize floats, the initial states (not modified)
   * @throws FlowmatchException naming the cause: a non-finite velocity (which samples, at what t),
   *     the evaluation bound, or a step below the minimum
   */
  public Result solve(VelocityField field, float[] start, int n, int batch, double t0, double t1) {
    return solve(field, start, n, batch, t0, t1, Progress.NONE);
  }

  /** As {@link #solve(VelocityField, float[], int, int, double, double)}, reporting progress. */
  public Result solve(
      VelocityField field,
      float[] start,
      int n,
      int batch,
      double t0,
      double t1,
      Progress progress) {
    long begin = System.nanoTime();
    int size = field.sampleSize();
    double[] out = new double[Math.multiplyExact(n, size)];
    long nfeSum = 0;
    int nfeMax = 0;
    for (int from = 0; from < n; from += batch) {
      int count = Math.min(batch, n - from);
      BatchSystem system = new BatchSystem(field, from, count);
      long nfeBefore = nfeSum;
      int done = from;
      system.progress =
          time -> {
            long now = System.nanoTime();
            if (now - system.lastReport > 1_000_000_000L) {
              system.lastReport = now;
              progress.update(
                  done,
                  n,
                  time,
                  (nfeBefore + (long) system.calls * count) / n,
                  (now - begin) / 1e9);
            }
          };
      double[] y = new double[count * size];
      for (int i = 0; i < y.length; i++) {
        y[i] = start[from * size + i];
      }
      double span = Math.abs(t1 - t0);
      DormandPrince853Integrator integrator =
          new DormandPrince853Integrator(MIN_STEP_FRACTION * span, span, atol, rtol);
      integrator.setMaxEvaluations((int) Math.min(Integer.MAX_VALUE, maxEvaluations));
      try {
        integrator.integrate(system, t0, y, t1, y);
      } catch (MaxCountExceededException e) {
        throw new ToleranceException(
            "reference solve "
                + describe()
                + " exceeded "
                + maxEvaluations
                + " evaluations at t="
                + number(system.lastTime)
                + " for samples "
                + from
                + ".."
                + (from + count - 1)
                + "; loosen --reference-tol or raise --reference-max-evals");
      } catch (NumberIsTooSmallException e) {
        throw new ToleranceException(
            "reference solve "
                + describe()
                + ": step size fell below "
                + number(MIN_STEP_FRACTION * span)
                + " at t="
                + number(system.lastTime)
                + " for samples "
                + from
                + ".."
                + (from + count - 1));
      }
      System.arraycopy(y, 0, out, from * size, y.length);
      nfeSum += (long) system.calls * count;
      nfeMax = Math.max(nfeMax, system.calls);
      progress.update(from + count, n, t1, nfeSum / n, (System.nanoTime() - begin) / 1e9);
    }
    return new Result(out, (double) nfeSum / n, nfeMax, System.nanoTime() - begin);
  }

  /** One batch as a Commons Math system: double state, float model calls. */
  private final class BatchSystem implements FirstOrderDifferentialEquations {
    private final VelocityField field;
    private final int first;
    private final int count;
    private final int size;
    private final float[] x;
    private final float[] t;
    private final float[] v;
    int calls;
    double lastTime = Double.NaN;
    long lastReport = System.nanoTime();
    java.util.function.DoubleConsumer progress = time -> {};

    BatchSystem(VelocityField field, int first, int count) {
      this.field = field;
      this.first = first;
      this.count = count;
      this.size = field.sampleSize();
      this.x = new float[count * size];
      this.t = new float[count];
      this.v = new float[count * size];
    }

    @Override
    public int getDimension() {
      return x.length;
    }

    @Override
    public void computeDerivatives(double time, double[] y, double[] yDot) {
      lastTime = time;
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) y[i];
      }
      java.util.Arrays.fill(t, (float) time);
      field.evaluate(x, t, count, v);
      calls++;
      progress.accept(time);
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw nonFinite(time);
        }
        yDot[i] = v[i];
      }
    }

    private NonFiniteException nonFinite(double time) {
      StringBuilder samples = new StringBuilder();
      long[] indices = new long[Math.min(count, 5)];
      int bad = 0;
      for (int s = 0; s < count; s++) {
        boolean finite = true;
        for (int k = s * size; k < (s + 1) * size; k++) {
          finite &= Float.isFinite(v[k]);
        }
        if (!finite) {
          if (bad < 5) {
            samples.append(bad == 0 ? "" : ", ").append(first + s);
            indices[bad] = first + s;
          }
          bad++;
        }
      }
      return new NonFiniteException(
          "reference solve "
              + describe()
              + ": non-finite velocity (NaN or Inf) for "
              + (bad == 1 ? "sample " : "samples ")
              + samples
              + (bad > 5 ? ", ..." : "")
              + " at t="
              + number(time),
          java.util.Arrays.copyOf(indices, Math.min(bad, 5)),
          time);
    }
  }

  static String number(double v) {
    return Numbers.compact(v, 4);
  }
}
