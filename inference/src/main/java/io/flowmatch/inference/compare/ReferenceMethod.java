package io.flowmatch.inference.compare;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.solver.BatchDormandPrinceSolver;
import io.flowmatch.inference.solver.SolveResult;
import io.flowmatch.inference.solver.SolverSettings;

/**
 * How a reference solve integrates: {@link #DOP853} (Commons Math, double state, one error norm per
 * batch) for small samples, {@link #DOPRI5_BATCH} (per-sample error control, float32 state) for
 * large ones such as images.
 *
 * <p>Why two: on the Fashion-MNIST DiT (784 values per sample) dop853 over a batch of 256 took
 * steps of ~0.01 near t = 0 at rtol 1e-6 (t = 0.009 after 66 batched calls) and had not finished
 * one batch after 18.6 minutes, and its NFE grew 1.8× per decade of tolerance (746 at 1e-4, 1358 at
 * 1e-5): the high order does not pay on this field, and one error norm over a whole batch makes
 * every sample take the hardest sample's steps. {@code dopri5-batch} lets each sample take its own
 * steps and drop out when done. Its float32 state limits what it can resolve to about the float
 * rounding of the state accumulated over its steps (~1e-6 RMS for values of size 1 over a few
 * hundred steps), which is far below the errors it judges on such models; the automatic reference
 * ({@link AutoReference}) measures that and stops tightening where solves stop converging.
 */
public enum ReferenceMethod {
  /** Dormand–Prince 8(5,3), Commons Math, double state, one RMS error per batch. */
  DOP853("dop853", "double state"),
  /** {@code dopri5-batch}: Dormand–Prince 5(4) with an error, time and step per sample. */
  DOPRI5_BATCH("dopri5-batch", "float32 state, error control per sample");

  /** Samples with more values than this are solved with {@link #DOPRI5_BATCH} by default. */
  public static final int LARGE_STATE = 64;

  private final String label;
  private final String state;

  ReferenceMethod(String label, String state) {
    this.label = label;
    this.state = state;
  }

  /** The method for samples of {@code sampleSize} values (see {@link #LARGE_STATE}). */
  public static ReferenceMethod forSampleSize(int sampleSize) {
    return sampleSize > LARGE_STATE ? DOPRI5_BATCH : DOP853;
  }

  /** The solver's name, as in {@code --solvers}. */
  public String label() {
    return label;
  }

  /** How the state is held, for descriptions. */
  public String state() {
    return state;
  }

  /**
   * Integrates {@code n} samples of {@code noise} from t = 0 to 1 in batches of {@code batch}, at
   * rtol = atol = {@code tol}.
   *
   * @param maxEvaluations per batch for {@link #DOP853}, per sample for {@link #DOPRI5_BATCH}
   */
  public ReferenceSolver.Result solve(
      VelocityField field,
      float[] noise,
      int n,
      int batch,
      double tol,
      long maxEvaluations,
      ReferenceSolver.Progress progress) {
    if (this == DOP853) {
      return new ReferenceSolver(tol, tol, maxEvaluations)
          .solve(field, noise, n, batch, 0, 1, progress);
    }
    long begin = System.nanoTime();
    int size = field.sampleSize();
    double[] out = new double[Math.multiplyExact(n, size)];
    BatchDormandPrinceSolver solver =
        new BatchDormandPrinceSolver(new SolverSettings(0, tol, tol, maxEvaluations, null));
    long evaluations = 0;
    int nfeMax = 0;
    for (int from = 0; from < n; from += batch) {
      int count = Math.min(batch, n - from);
      float[] x = java.util.Arrays.copyOfRange(noise, from * size, (from + count) * size);
      Reporting reporting = new Reporting(field, progress, from, n, evaluations, begin);
      SolveResult r = solver.solve(reporting, x, count, 0, 1);
      for (int i = 0; i < x.length; i++) {
        out[from * size + i] = x[i];
      }
      for (int v : r.nfePerSample()) {
        evaluations += v;
      }
      nfeMax = Math.max(nfeMax, r.maxNfe());
      progress.update(from + count, n, 1, evaluations / n, (System.nanoTime() - begin) / 1e9);
    }
    return new ReferenceSolver.Result(
        out, (double) evaluations / n, nfeMax, System.nanoTime() - begin);
  }

  /**
   * Passes calls through and reports, about once a second, the earliest time among the samples of
   * the call and the evaluations per sample so far (over all n).
   */
  private static final class Reporting implements VelocityField {
    private final VelocityField field;
    private final ReferenceSolver.Progress progress;
    private final int done;
    private final int total;
    private final long begin;
    private long evaluations;
    private long lastReport = System.nanoTime();

    Reporting(
        VelocityField field,
        ReferenceSolver.Progress progress,
        int done,
        int total,
        long evaluationsBefore,
        long begin) {
      this.field = field;
      this.progress = progress;
      this.done = done;
      this.total = total;
      this.evaluations = evaluationsBefore;
      this.begin = begin;
    }

    @Override
    public int[] sampleShape() {
      return field.sampleShape();
    }

    @Override
    public int sampleSize() {
      return field.sampleSize();
    }

    @Override
    public void evaluate(float[] x, float[] t, int n, float[] v) {
      field.evaluate(x, t, n, v);
      evaluations += n;
      long now = System.nanoTime();
      if (now - lastReport > 1_000_000_000L) {
        lastReport = now;
        float earliest = Float.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
          earliest = Math.min(earliest, t[i]);
        }
        progress.update(done, total, earliest, evaluations / total, (now - begin) / 1e9);
      }
    }
  }
}
