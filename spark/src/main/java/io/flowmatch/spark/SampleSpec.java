package io.flowmatch.spark;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import java.io.Serializable;

/**
 * What a distributed sampling run draws: the same request as {@code flowmatch sample --n N --seed
 * S} (model, solver, batch, call size), plus how many batches one shard holds. Serializable: it
 * travels to the executors, which rebuild the solver and open the model from it.
 *
 * @param model path of the ONNX model (the same path on every executor, or shipped with the job)
 * @param shape shape of one sample for a model without metadata, or {@code null}
 * @param solver solver name, as {@link Solvers#create} takes it
 * @param steps steps of a fixed-step solver
 * @param rtol relative tolerance of an adaptive solver
 * @param atol absolute tolerance of an adaptive solver
 * @param maxEvaluations evaluation bound of an adaptive solver
 * @param grid time grid of the hand-written fixed-step solvers, {@code null} for uniform
 * @param n number of samples
 * @param seed seed of the per-sample noise streams
 * @param batch samples per solve (what {@code --batch} is on one machine)
 * @param callBatch most samples per model call, {@link FieldOptions#AUTO_BATCH} for auto
 * @param threads ONNX Runtime intra-op threads per executor; 0 = the executor's cores
 * @param batchesPerShard batches in one shard (one task); the result does not depend on it
 */
public record SampleSpec(
    String model,
    int[] shape,
    String solver,
    int steps,
    double rtol,
    double atol,
    long maxEvaluations,
    String grid,
    long n,
    long seed,
    int batch,
    int callBatch,
    int threads,
    int batchesPerShard)
    implements Serializable {

  public SampleSpec {
    shape = shape == null ? null : shape.clone();
  }

  /** A request with the solver's settings as the library holds them. */
  public static SampleSpec of(
      String model,
      int[] shape,
      String solver,
      SolverSettings settings,
      long n,
      long seed,
      int batch,
      int callBatch,
      int threads,
      int batchesPerShard) {
    return new SampleSpec(
        model,
        shape,
        solver,
        settings.steps(),
        settings.rtol(),
        settings.atol(),
        settings.maxEvaluations(),
        settings.grid(),
        n,
        seed,
        batch,
        callBatch,
        threads,
        batchesPerShard);
  }

  /** The solver settings. */
  public SolverSettings settings() {
    return new SolverSettings(steps, rtol, atol, maxEvaluations, grid);
  }

  /** The same request with {@code value} batches per shard. */
  public SampleSpec withBatchesPerShard(int value) {
    return new SampleSpec(
        model,
        shape,
        solver,
        steps,
        rtol,
        atol,
        maxEvaluations,
        grid,
        n,
        seed,
        batch,
        callBatch,
        threads,
        value);
  }

  /** Checks every value that needs no model; throws INVALID_ARGUMENT naming the option. */
  public SampleSpec check() {
    if (model == null) {
      throw FlowmatchException.invalidArgument("--model is required");
    }
    positive("--n", n);
    positive("--batch", batch);
    positive("--shard-batches", batchesPerShard);
    if (callBatch < 0) {
      throw FlowmatchException.invalidArgument(
          "--call-batch must be a positive integer or auto, got " + callBatch);
    }
    if (threads < 0) {
      throw FlowmatchException.invalidArgument(
          "--threads must be 0 (the executor's cores) or a positive integer, got " + threads);
    }
    createSolver();
    return this;
  }

  /** A fresh solver (solvers keep per-solve scratch space: one per task). */
  public OdeSolver createSolver() {
    return Solvers.create(solver, settings());
  }

  /**
   * A fresh solver for a model with this metadata (dpm2m predicts on the model's affine path), as
   * {@code flowmatch sample} builds it once the model is open.
   */
  public OdeSolver createSolver(java.util.Map<String, String> metadata) {
    return Solvers.create(solver, settings(), AffineSchedule.fromMetadata(metadata));
  }

  /**
   * E.g. {@code heun (20 steps)} or {@code dopri5 (rtol 1e-05, atol 1e-05)}, as sample prints it.
   */
  public String describeSolver() {
    if (Solvers.isAdaptive(solver)) {
      return solver + " (rtol " + Numbers.compact(rtol) + ", atol " + Numbers.compact(atol) + ")";
    }
    return solver
        + " ("
        + steps
        + " steps"
        + (grid == null || grid.equals("uniform") ? "" : ", " + grid + " grid")
        + ")";
  }

  /** The executor-side model options with {@code threadsUsed} intra-op threads. */
  FieldOptions fieldOptions(int threadsUsed) {
    return new FieldOptions("cpu", false, threadsUsed, "all", callBatch, shape, line -> {});
  }

  private static void positive(String option, long value) {
    if (value < 1) {
      throw FlowmatchException.invalidArgument(
          option + " must be a positive integer, got " + value);
    }
  }
}
