package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import io.flowmatch.inference.solver.TimeGrid;
import io.flowmatch.inference.tune.TunedGrids;
import picocli.CommandLine.Option;

/** The ODE solver options shared by sample, encode, decode and interpolate (a picocli mixin). */
@HelpGroup("Solver")
public final class SolverOptions {
  static final String DEFAULT_SOLVER = "heun";
  static final int DEFAULT_STEPS = 20;

  @Option(
      names = "--solver",
      paramLabel = "S",
      description =
          "ODE solver (default: ${DEFAULT-VALUE}): euler, heun, midpoint, rk4 (fixed steps);"
              + " ab2, ab3, dpm2m (multistep: one model call per step; dpm2m predicts data on the"
              + " model's affine path);"
              + " cm-euler, cm-midpoint, cm-rk4 (Commons Math, fixed steps); dopri5, dop853, gbs, adams,"
              + " dopri5-batch (adaptive).",
      defaultValue = DEFAULT_SOLVER)
  String solver;

  @Option(
      names = "--steps",
      paramLabel = "K",
      description = "Steps of a fixed-step solver (default: " + DEFAULT_STEPS + ").")
  Integer steps;

  @Option(
      names = "--rtol",
      paramLabel = "R",
      description = "Relative tolerance of an adaptive solver (default: 1e-5).")
  Double rtol;

  @Option(
      names = "--atol",
      paramLabel = "A",
      description = "Absolute tolerance of an adaptive solver (default: 1e-5).")
  Double atol;

  @Option(
      names = "--max-evals",
      paramLabel = "E",
      description =
          "Evaluation bound of an adaptive solver (default: 10000); the run fails beyond it.")
  Long maxEvals;

  @Option(
      names = "--grid",
      paramLabel = "G",
      description =
          "Time grid of the fixed-step and multistep solvers: uniform, quadratic, edm,"
              + " shift=S (SD3 time shift), FILE.json from tune-grid (the grid for --solver and"
              + " --steps; without --steps, the file's only grid for the solver), or tuned: the"
              + " same from the model's metadata (tune-grid --save-model/--in-place)"
              + " (default: uniform).")
  String grid;

  @Option(
      names = "--grid-times",
      paramLabel = "T",
      description =
          "Explicit grid times from 0 to 1, e.g. 0,0.05,0.2,0.6,1, or a file of them"
              + " (commas, spaces or lines); the steps are one fewer than the times.")
  String gridTimes;

  /**
   * The solver these options describe.
   *
   * @throws UsageException for an unknown solver, options of the other kind of solver, or values
   *     out of range
   */
  OdeSolver create() {
    return create(null);
  }

  /**
   * The solver for a model with this metadata: dpm2m reads the model's affine path from it (null:
   * the OT path, as before the model is open).
   */
  OdeSolver create(java.util.Map<String, String> metadata) {
    if (!Solvers.names().contains(solver)) {
      throw new UsageException(
          "unknown solver '"
              + solver
              + "', expected one of: "
              + String.join(", ", Solvers.names()));
    }
    boolean adaptive = Solvers.isAdaptive(solver);
    OptionChecks.positive("--steps", steps);
    if (adaptive && (steps != null || grid != null || gridTimes != null)) {
      throw new UsageException(
          (steps != null ? "--steps" : grid != null ? "--grid" : "--grid-times")
              + " is for fixed-step solvers; "
              + solver
              + " is adaptive: give --rtol/--atol");
    }
    if (grid != null && gridTimes != null) {
      throw new UsageException("--grid and --grid-times both give the grid; give one");
    }
    if (!adaptive && (rtol != null || atol != null || maxEvals != null)) {
      String opt = rtol != null ? "--rtol" : atol != null ? "--atol" : "--max-evals";
      throw new UsageException(opt + " is for adaptive solvers; " + solver + " takes --steps");
    }
    resolveGrid(metadata);
    return Solvers.create(
        solver,
        resolvedSettings(),
        metadata == null ? null : AffineSchedule.fromMetadata(metadata));
  }

  /**
   * The solver these options describe, as the public API takes it (checked as {@link #create()}
   * checks it).
   */
  Solver solver() {
    return solver(null);
  }

  /**
   * The solver for a model with this metadata (null: before the model is open), as the public API
   * takes it; the model's own settings (e.g. its path, for dpm2m) are applied where it runs.
   */
  Solver solver(java.util.Map<String, String> metadata) {
    create(metadata);
    return Solver.named(solver, resolvedSettings());
  }

  /** The settings as resolved by the last {@link #create}. */
  private SolverSettings resolvedSettings() {
    return new SolverSettings(
        stepsOrDefault(),
        rtol != null ? rtol : SolverSettings.DEFAULT_RTOL,
        atol != null ? atol : SolverSettings.DEFAULT_ATOL,
        maxEvals != null ? maxEvals : SolverSettings.DEFAULT_MAX_EVALUATIONS,
        resolvedGrid);
  }

  /** The solver's name, as given ({@code --solver}). */
  public String name() {
    return solver;
  }

  /**
   * The resolved settings (grid files and grid times read, defaults filled in), after the same
   * checks as {@link #create}: for callers that build the solver elsewhere, e.g. the Spark jobs,
   * which rebuild it on every executor.
   *
   * @throws UsageException as {@link #create}
   */
  public SolverSettings settings() {
    create();
    return resolvedSettings();
  }

  private String resolvedGrid;
  private Integer resolvedSteps;

  /** Whether --grid tuned takes the grid from the model's metadata (known once it is open). */
  boolean gridFromModel() {
    return TUNED_FROM_MODEL.equals(grid);
  }

  /** {@code --grid tuned}: the tuned grids stored in the model. */
  static final String TUNED_FROM_MODEL = "tuned";

  /**
   * Turns --grid FILE.json, --grid tuned (with the model's metadata) and --grid-times into an
   * explicit grid (and its step count).
   */
  private void resolveGrid(java.util.Map<String, String> metadata) {
    resolvedGrid = grid;
    resolvedSteps = steps;
    if (gridTimes != null) {
      String text = gridTimes;
      java.nio.file.Path file = java.nio.file.Path.of(gridTimes.trim());
      if (!gridTimes.contains(",") && java.nio.file.Files.isRegularFile(file)) {
        try {
          text = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
          throw new FailureException(
              "cannot read --grid-times " + gridTimes + ": " + IoMessages.of(e), e);
        }
      }
      double[] u = TimeGrid.parseTimes("--grid-times", text);
      if (steps != null && steps != u.length - 1) {
        throw new UsageException(
            "--grid-times has "
                + u.length
                + " times ("
                + (u.length - 1)
                + " steps) but --steps is "
                + steps);
      }
      resolvedSteps = u.length - 1;
      resolvedGrid = TimeGrid.explicitGrid(TimeGrid.TIMES, u);
    } else if (gridFromModel() && metadata == null) {
      // options are checked before the model is open; the grid is resolved again with its metadata
      resolvedGrid = TimeGrid.UNIFORM;
    } else if (gridFromModel() || (grid != null && grid.endsWith(".json"))) {
      TunedGrids grids =
          gridFromModel()
              ? TunedGrids.fromMetadata("--grid tuned: the model", metadata)
              : TunedGrids.read("--grid", java.nio.file.Path.of(grid));
      if (steps == null) {
        resolvedSteps = grids.onlySteps(solver);
      }
      resolvedGrid = grids.grid(solver, resolvedSteps);
    }
  }

  /** E.g. {@code heun (20 steps)} or {@code dopri5 (rtol 1e-05, atol 1e-05)}. */
  String describe() {
    if (Solvers.isAdaptive(solver)) {
      double r = rtol != null ? rtol : SolverSettings.DEFAULT_RTOL;
      double a = atol != null ? atol : SolverSettings.DEFAULT_ATOL;
      return solver + " (rtol " + Numbers.compact(r) + ", atol " + Numbers.compact(a) + ")";
    }
    String g = resolvedGrid != null ? TimeGrid.label(resolvedGrid) : grid;
    return solver
        + " ("
        + stepsOrDefault()
        + " steps"
        + (g == null ? "" : ", " + g + " grid")
        + ")";
  }

  private int stepsOrDefault() {
    Integer s = resolvedSteps != null ? resolvedSteps : steps;
    return s != null ? s : DEFAULT_STEPS;
  }
}
