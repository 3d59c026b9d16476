package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;
import java.util.Arrays;

/**
 * {@code dopri5-batch}: Dormand–Prince 5(4) with FSAL in which every sample has its own time, step
 * size and error control, while all unfinished samples share one model call per stage.
 *
 * <p>Each round gathers the unfinished samples into compact arrays (state of the stage and one time
 * per sample: the model contract's per-sample {@code t} makes this possible), evaluates them in one
 * batched call per stage, and scatters accepted steps back. A sample that reaches t1 drops out of
 * later calls, so easy samples stop costing evaluations while hard ones go on. Compare Commons
 * Math's {@code dopri5}: one RMS error over the whole batch gives every sample the same steps, so
 * easy samples pay for the hard ones, and the easy samples' small errors dilute the hard ones'
 * (measured on a half-easy, half-hard batch at tolerance 1e-5: hard samples ended 7.8e-6 off under
 * {@code dopri5}, 1.3e-6 under this solver, which spent 296 evaluations on them against {@code
 * dopri5}'s 278, and 20 on the easy ones).
 *
 * <p>Error control per sample: RMS over the sample's components of err/(atol + rtol·max(|x|,
 * |x_new|)); accept when ≤ 1; next step h·min(maxFactor, max(0.2, 0.9·err^(−1/5))), with maxFactor
 * 10, or 1 right after a rejection. Initial step per sample by Hairer–Nørsett–Wanner's estimate
 * (one extra evaluation for all samples together). NFE per sample is 2 + 6·(attempted steps).
 *
 * <p>Bounds: {@link SolverSettings#maxEvaluations()} is per sample; a step below 1e-8·|t1 − t0|
 * stops the solve. {@link SolveResult#steps()} and {@link SolveResult#rejectedSteps()} are the
 * maxima over samples.
 */
public final class BatchDormandPrinceSolver implements OdeSolver {
  public static final String NAME = "dopri5-batch";

  static final double SAFETY = 0.9;
  static final double MIN_FACTOR = 0.2;
  static final double MAX_FACTOR = 10;
  static final double MIN_STEP_FRACTION = 1e-8;

  /** Evaluations of one attempted step: stages 2..7 (stage 1 is the previous step's last). */
  static final int EVALUATIONS_PER_STEP = 6;

  // Dormand–Prince 5(4) tableau; stage s (0-based) is evaluated at t + C[s]·h.
  private static final double[] C = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1};
  private static final double[][] A = {
    {},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    // the last row is the 5th-order solution, so stage 6's slope is the next step's first (FSAL)
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
  };

  /** 5th-order minus embedded 4th-order weights: the local error estimate. */
  private static final double[] E = {
    71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40
  };

  private final double rtol;
  private final double atol;
  private final long maxEvaluations;

  public BatchDormandPrinceSolver(SolverSettings settings) {
    this.rtol = settings.rtol();
    this.atol = settings.atol();
    this.maxEvaluations = settings.maxEvaluations();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public SolveResult solve(VelocityField field, float[] x, int n, double t0, double t1) {
    SolveArguments.check(NAME, field, x, n, t0, t1);
    FieldCalls calls = new FieldCalls(NAME, field, n);
    if (n == 0 || t0 == t1) {
      return calls.result(0, 0);
    }
    return new Run(calls, x, n, t0, t1).solve();
  }

  /** The state of one solve: per-sample times, steps and work arrays, allocated once. */
  private final class Run {
    final FieldCalls calls;
    final float[] x;
    final int n;
    final int d;
    final double t0;
    final double t1;
    final double dir;
    final double span;
    final double minStep;

    final double[] t;
    final double[] h;
    final boolean[] done;
    final boolean[] rejectedLast;
    final int[] accepted;
    final int[] rejected;

    /** k[0] is per sample (n·d, kept across steps: FSAL); k[1..6] are per slot of one round. */
    final float[][] k = new float[7][];

    final float[] stageX;
    final float[] stageT;
    final int[] sampleOf;
    final double[] slotStep;
    final boolean[] slotLast;

    Run(FieldCalls calls, float[] x, int n, double t0, double t1) {
      this.calls = calls;
      this.x = x;
      this.n = n;
      this.d = calls.sampleSize();
      this.t0 = t0;
      this.t1 = t1;
      this.dir = Math.signum(t1 - t0);
      this.span = Math.abs(t1 - t0);
      this.minStep = MIN_STEP_FRACTION * span;
      int size = n * d;
      t = new double[n];
      h = new double[n];
      done = new boolean[n];
      rejectedLast = new boolean[n];
      accepted = new int[n];
      rejected = new int[n];
      for (int s = 0; s < k.length; s++) {
        k[s] = new float[size];
      }
      stageX = new float[size];
      stageT = new float[n];
      sampleOf = new int[n];
      slotStep = new double[n];
      slotLast = new boolean[n];
    }

    SolveResult solve() {
      Arrays.fill(t, t0);
      calls.evaluate(x, t0, n, k[0]);
      initialSteps();
      int m;
      while ((m = gatherUnfinished()) > 0) {
        for (int s = 1; s <= 6; s++) {
          stage(s, m);
        }
        control(m);
      }
      int maxAccepted = 0;
      int maxRejected = 0;
      for (int i = 0; i < n; i++) {
        maxAccepted = Math.max(maxAccepted, accepted[i]);
        maxRejected = Math.max(maxRejected, rejected[i]);
      }
      return calls.result(maxAccepted, maxRejected);
    }

    /**
     * Hairer–Nørsett–Wanner's starting step, per sample: h0 from the sizes of x and v, one Euler
     * probe of length h0 for all samples in one call, then h from the change of v, for order 5.
     */
    void initialSteps() {
      double[] d1 = new double[n];
      for (int i = 0; i < n; i++) {
        double sumX = 0;
        double sumV = 0;
        for (int c = i * d, end = c + d; c < end; c++) {
          double sc = atol + rtol * Math.abs(x[c]);
          sumX += sq(x[c] / sc);
          sumV += sq(k[0][c] / sc);
        }
        double normX = Math.sqrt(sumX / d);
        d1[i] = Math.sqrt(sumV / d);
        double h0 = normX < 1e-5 || d1[i] < 1e-5 ? 1e-6 * span : 0.01 * normX / d1[i];
        h[i] = Math.min(h0, span);
        for (int c = i * d, end = c + d; c < end; c++) {
          stageX[c] = (float) (x[c] + dir * h[i] * k[0][c]);
        }
        stageT[i] = (float) (t0 + dir * h[i]);
        sampleOf[i] = i;
      }
      float[] probe = k[1];
      calls.evaluate(stageX, stageT, n, probe, sampleOf);
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int c = i * d, end = c + d; c < end; c++) {
          double sc = atol + rtol * Math.abs(x[c]);
          sum += sq((probe[c] - k[0][c]) / sc);
        }
        double d2 = Math.sqrt(sum / d) / h[i];
        double big = Math.max(d1[i], d2);
        double h1 = big <= 1e-15 ? Math.max(1e-6 * span, h[i] * 1e-3) : Math.pow(0.01 / big, 0.2);
        h[i] = Math.max(minStep, Math.min(Math.min(100 * h[i], h1), span));
      }
    }

    /** Slots 0..m−1 ← the unfinished samples; sets each slot's signed step. Returns m. */
    int gatherUnfinished() {
      int m = 0;
      int overBound = 0;
      int firstOver = -1;
      for (int i = 0; i < n; i++) {
        if (done[i]) {
          continue;
        }
        if (calls.evaluationsOf(i) + EVALUATIONS_PER_STEP > maxEvaluations) {
          if (overBound++ == 0) {
            firstOver = i;
          }
          continue;
        }
        double remaining = Math.abs(t1 - t[i]);
        boolean last = h[i] >= remaining;
        sampleOf[m] = i;
        slotLast[m] = last;
        slotStep[m] = dir * (last ? remaining : h[i]);
        m++;
      }
      if (overBound > 0) {
        throw new ToleranceException(
            NAME
                + " exceeded "
                + maxEvaluations
                + " evaluations for sample "
                + firstOver
                + (overBound > 1 ? " (and " + (overBound - 1) + " more)" : "")
                + " at t="
                + FieldCalls.number(t[firstOver])
                + " ("
                + tolerances()
                + ")",
            firstOver);
      }
      return m;
    }

    /**
     * Evaluates stage s (1..6) of every slot in one model call. Stage 6's state is the candidate
     * new state; it stays in {@code stageX} for {@link #control}, and its slope in k[6].
     */
    void stage(int s, int m) {
      double[] a = A[s];
      float[] k0 = k[0];
      for (int j = 0; j < m; j++) {
        int i = sampleOf[j];
        double step = slotStep[j];
        int xi = i * d;
        int xj = j * d;
        for (int c = 0; c < d; c++) {
          double slope = a[0] * k0[xi + c];
          for (int r = 1; r < s; r++) {
            slope += a[r] * k[r][xj + c];
          }
          stageX[xj + c] = (float) (x[xi + c] + step * slope);
        }
        stageT[j] = s == 6 && slotLast[j] ? (float) t1 : (float) (t[i] + C[s] * step);
      }
      calls.evaluate(stageX, stageT, m, k[s], sampleOf);
    }

    /** Error estimate, accept or reject, and the next step of every slot. */
    void control(int m) {
      float[] k0 = k[0];
      float[] candidate = stageX;
      for (int j = 0; j < m; j++) {
        int i = sampleOf[j];
        double step = slotStep[j];
        int xi = i * d;
        int xj = j * d;
        double sum = 0;
        for (int c = 0; c < d; c++) {
          double err = E[0] * k0[xi + c];
          for (int r = 1; r <= 6; r++) {
            err += E[r] * k[r][xj + c];
          }
          err *= step;
          double sc = atol + rtol * Math.max(Math.abs(x[xi + c]), Math.abs(candidate[xj + c]));
          sum += sq(err / sc);
        }
        double norm = Math.sqrt(sum / d);
        double magnitude = Math.abs(step);
        if (norm <= 1) {
          System.arraycopy(candidate, xj, x, xi, d);
          System.arraycopy(k[6], xj, k0, xi, d);
          t[i] = slotLast[j] ? t1 : t[i] + step;
          accepted[i]++;
          done[i] = slotLast[j];
          double grow = rejectedLast[i] ? 1 : MAX_FACTOR;
          double factor =
              norm == 0
                  ? grow
                  : Math.min(grow, Math.max(MIN_FACTOR, SAFETY * Math.pow(norm, -0.2)));
          h[i] = magnitude * factor;
          rejectedLast[i] = false;
        } else {
          rejected[i]++;
          h[i] = magnitude * Math.max(MIN_FACTOR, SAFETY * Math.pow(norm, -0.2));
          rejectedLast[i] = true;
        }
        if (!done[i] && h[i] < minStep) {
          throw new ToleranceException(
              NAME
                  + ": step size for sample "
                  + i
                  + " fell below the minimum "
                  + FieldCalls.number(minStep)
                  + " at t="
                  + FieldCalls.number(t[i])
                  + " ("
                  + tolerances()
                  + ")",
              i);
        }
      }
    }
  }

  private String tolerances() {
    return "rtol=" + FieldCalls.number(rtol) + ", atol=" + FieldCalls.number(atol);
  }

  private static double sq(double v) {
    return v * v;
  }

  @Override
  public String toString() {
    return NAME + "(" + tolerances() + ", maxEvaluations=" + maxEvaluations + ")";
  }
}
