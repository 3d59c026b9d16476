package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The ODE solver options shared by sample, encode, decode and interpolate (a picocli mixin). */
public final class SolverOptions {
  static final String DEFAULT_SOLVER = "heun";
  static final int DEFAULT_STEPS = 20;

  @Option(
      names = "--solver",
      paramLabel = "S",
      description = "ODE solver (default: ${DEFAULT-VALUE}): euler, heun, midpoint, rk4 (fixed steps);"
          + " cm-euler, cm-midpoint, cm-rk4 (Commons Math, fixed steps); dopri5, dop853, gbs, adams,"
          + " dopri5-batch (adaptive).",
      defaultValue = DEFAULT_SOLVER)
  String solver;

  @Option(names = "--steps", paramLabel = "K", description = "Steps of a fixed-step solver (default: " + DEFAULT_STEPS + ").")
  Integer steps;

  @Option(names = "--rtol", paramLabel = "R", description = "Relative tolerance of an adaptive solver (default: 1e-5).")
  Double rtol;

  @Option(names = "--atol", paramLabel = "A", description = "Absolute tolerance of an adaptive solver (default: 1e-5).")
  Double atol;

  @Option(
      names = "--max-evals",
      paramLabel = "E",
      description = "Evaluation bound of an adaptive solver (default: 10000); the run fails beyond it.")
  Long maxEvals;

  @Option(
      names = "--grid",
      paramLabel = "G",
      description = "Time grid of euler, heun, midpoint and rk4: uniform, quadratic or edm (default: uniform).")
  String grid;

  /**
   * The solver these options describe, as an integrator for one run.
   *
   * @throws UsageException for an unknown solver, options of the other kind of solver, or values
   *     out of range
   */
  OdeSolver create() {
    return solver().create();
  }

  /**
   * The typed solver these options describe: the command line's request, as the Java API takes it.
   *
   * @throws UsageException for an unknown solver, options of the other kind of solver, or values
   *     out of range
   */
  Solver solver() {
    if (!Solvers.names().contains(solver)) {
      throw new UsageException(
          "unknown solver '" + solver + "', expected one of: " + String.join(", ", Solvers.names()));
    }
    boolean adaptive = Solvers.isAdaptive(solver);
    OptionChecks.positive("--steps", steps);
    if (adaptive && (steps != null || grid != null)) {
      throw new UsageException(
          (steps != null ? "--steps" : "--grid") + " is for fixed-step solvers; " + solver
              + " is adaptive: give --rtol/--atol");
    }
    if (!adaptive && (rtol != null || atol != null || maxEvals != null)) {
      String opt = rtol != null ? "--rtol" : atol != null ? "--atol" : "--max-evals";
      throw new UsageException(opt + " is for adaptive solvers; " + solver + " takes --steps");
    }
    Solver s =
        Solver.named(
            solver,
            new SolverSettings(
                stepsOrDefault(),
                rtol != null ? rtol : SolverSettings.DEFAULT_RTOL,
                atol != null ? atol : SolverSettings.DEFAULT_ATOL,
                maxEvals != null ? maxEvals : SolverSettings.DEFAULT_MAX_EVALUATIONS,
                grid));
    // the grid name was checked above; naming it, even uniform, shows it in describe()
    return grid == null ? s : s.grid(Solver.Grid.valueOf(grid.toUpperCase(Locale.ROOT)));
  }

  /** E.g. {@code heun (20 steps)} or {@code dopri5 (rtol 1e-05, atol 1e-05)}. */
  String describe() {
    return solver().describe();
  }

  private int stepsOrDefault() {
    return steps != null ? steps : DEFAULT_STEPS;
  }
}
