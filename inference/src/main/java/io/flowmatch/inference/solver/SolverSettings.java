package io.flowmatch.inference.solver;

/**
 * What a solver is asked to do. Fixed-step methods read {@link #steps} and {@link #grid}; adaptive
 * ones read {@link #rtol}, {@link #atol} and {@link #maxEvaluations}. {@link Solvers#create} checks
 * the values the chosen method reads and ignores the others.
 *
 * @param steps number of steps of a fixed-step method
 * @param rtol relative tolerance of an adaptive method
 * @param atol absolute tolerance of an adaptive method
 * @param maxEvaluations evaluation bound of an adaptive method: model calls for the whole-batch
 *     Commons Math integrators, evaluations per sample for {@code dopri5-batch}
 * @param grid time grid of the hand-written fixed-step methods: {@code uniform}, {@code quadratic}
 *     or {@code edm} (see {@link TimeGrid}); {@code null} means {@code uniform}
 */
public record SolverSettings(
    int steps, double rtol, double atol, long maxEvaluations, String grid) {
  public static final double DEFAULT_RTOL = 1e-5;
  public static final double DEFAULT_ATOL = 1e-5;
  public static final long DEFAULT_MAX_EVALUATIONS = 10_000;

  public SolverSettings {
    if (grid == null) {
      grid = TimeGrid.UNIFORM;
    }
  }

  /** {@code steps} uniform steps; tolerances at their defaults (unused by fixed-step methods). */
  public static SolverSettings fixed(int steps) {
    return new SolverSettings(
        steps, DEFAULT_RTOL, DEFAULT_ATOL, DEFAULT_MAX_EVALUATIONS, TimeGrid.UNIFORM);
  }

  /** Tolerances for an adaptive method, with the default bound of 10000 evaluations. */
  public static SolverSettings adaptive(double rtol, double atol) {
    return new SolverSettings(0, rtol, atol, DEFAULT_MAX_EVALUATIONS, TimeGrid.UNIFORM);
  }

  public SolverSettings withSteps(int newSteps) {
    return new SolverSettings(newSteps, rtol, atol, maxEvaluations, grid);
  }

  public SolverSettings withGrid(String newGrid) {
    return new SolverSettings(steps, rtol, atol, maxEvaluations, newGrid);
  }

  public SolverSettings withMaxEvaluations(long newMaxEvaluations) {
    return new SolverSettings(steps, rtol, atol, newMaxEvaluations, grid);
  }
}
