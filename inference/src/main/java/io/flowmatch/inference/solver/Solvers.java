package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Solvers by command-line name.
 *
 * <ul>
 *   <li>hand-written fixed-step, on float arrays: {@code euler}, {@code heun}, {@code midpoint},
 *       {@code rk4}, and the multistep {@code ab2}, {@code ab3}, {@code dpm2m} (on every {@link
 *       TimeGrid}: {@code uniform}, {@code quadratic}, {@code edm}, {@code shift=S}, explicit
 *       times);
 *   <li>Commons Math on the whole batch, fixed step: {@code cm-euler}, {@code cm-midpoint}, {@code
 *       cm-rk4} (uniform only);
 *   <li>Commons Math on the whole batch, adaptive: {@code dopri5}, {@code dop853}, {@code gbs},
 *       {@code adams} (Adams–Moulton, 4 steps);
 *   <li>our per-sample adaptive solver: {@code dopri5-batch}.
 * </ul>
 *
 * <p>Bad settings throw a {@link FlowmatchException} whose message names the option as on the
 * command line ({@code --steps}, {@code --rtol}, {@code --atol}, {@code --grid}, {@code
 * --max-evals}).
 */
public final class Solvers {
  private Solvers() {}

  /** Builds a hand-written grid solver; {@code path} is the model's (only dpm2m reads it). */
  private interface GridFactory {
    FixedStepSolver create(int steps, String grid, AffineSchedule path);
  }

  /** The hand-written grid solvers: one line per method. */
  private static final Map<String, GridFactory> GRID_SOLVERS = new LinkedHashMap<>();

  static {
    GRID_SOLVERS.put(EulerSolver.NAME, (steps, grid, path) -> new EulerSolver(steps, grid));
    GRID_SOLVERS.put(HeunSolver.NAME, (steps, grid, path) -> new HeunSolver(steps, grid));
    GRID_SOLVERS.put(MidpointSolver.NAME, (steps, grid, path) -> new MidpointSolver(steps, grid));
    GRID_SOLVERS.put(Rk4Solver.NAME, (steps, grid, path) -> new Rk4Solver(steps, grid));
    GRID_SOLVERS.put(Ab2Solver.NAME, (steps, grid, path) -> new Ab2Solver(steps, grid));
    GRID_SOLVERS.put(Ab3Solver.NAME, (steps, grid, path) -> new Ab3Solver(steps, grid));
    GRID_SOLVERS.put(Dpm2mSolver.NAME, Dpm2mSolver::new);
  }

  private static final List<String> HAND_WRITTEN = List.copyOf(GRID_SOLVERS.keySet());

  /** The hand-written solvers that step over a {@link TimeGrid}, in registration order. */
  public static List<String> gridSolvers() {
    return HAND_WRITTEN;
  }

  /**
   * Model evaluations per sample that {@code steps} steps of a grid solver cost (dpm2m and ab2:
   * steps; heun and midpoint: 2·steps; rk4: 4·steps; ab3: steps + 1).
   */
  public static int evaluations(String name, int steps) {
    return ((FixedStepSolver) create(name, SolverSettings.fixed(steps))).evaluations();
  }

  /**
   * The step count of a grid solver that costs exactly {@code nfe} evaluations per sample, or −1
   * when no step count does (heun at an odd NFE).
   */
  public static int stepsForEvaluations(String name, int nfe) {
    for (int steps = 1; steps <= nfe; steps++) {
      int e = evaluations(name, steps);
      if (e == nfe) {
        return steps;
      }
      if (e > nfe) {
        break;
      }
    }
    return -1;
  }

  /** Every valid solver name, fixed-step first. */
  public static List<String> names() {
    List<String> names = new java.util.ArrayList<>(HAND_WRITTEN);
    for (CommonsMathSolver.Method m : CommonsMathSolver.Method.values()) {
      names.add(m.solverName());
    }
    names.add(BatchDormandPrinceSolver.NAME);
    return List.copyOf(names);
  }

  /** The most steps a fixed-step method takes (well beyond any useful accuracy). */
  public static final int MAX_STEPS = 10_000_000;

  /** Whether the named solver chooses its own steps from tolerances (false for unknown names). */
  public static boolean isAdaptive(String name) {
    if (BatchDormandPrinceSolver.NAME.equals(name)) {
      return true;
    }
    CommonsMathSolver.Method m = commonsMath(name);
    return m != null && m.adaptive();
  }

  /**
   * A solver for {@code name} with the settings that method reads.
   *
   * @throws FlowmatchException for an unknown name or a bad setting
   */
  public static OdeSolver create(String name, SolverSettings settings) {
    return create(name, settings, null);
  }

  /**
   * A solver for {@code name} for a model on the affine path {@code path} (what {@code dpm2m}
   * predicts with; null means the OT path with σ_min = 0, the other solvers ignore it).
   *
   * @throws FlowmatchException for an unknown name or a bad setting
   */
  public static OdeSolver create(String name, SolverSettings settings, AffineSchedule path) {
    if (!names().contains(name)) {
      throw FlowmatchException.invalidArgument(
          "unknown solver '" + name + "', expected one of: " + String.join(", ", names()));
    }
    if (isAdaptive(name)) {
      checkPositive("--rtol", settings.rtol());
      checkPositive("--atol", settings.atol());
      if (settings.maxEvaluations() < 1) {
        throw FlowmatchException.invalidArgument(
            "--max-evals must be a positive integer, got " + settings.maxEvaluations());
      }
    } else if (settings.steps() < 1) {
      throw FlowmatchException.invalidArgument(
          "--steps must be a positive integer, got " + settings.steps());
    } else if (settings.steps() > MAX_STEPS) {
      // the time grid holds steps + 1 values, and the evaluation counts are ints
      throw FlowmatchException.invalidArgument(
          "--steps must be at most " + MAX_STEPS + ", got " + settings.steps());
    }
    if (HAND_WRITTEN.contains(name)) {
      TimeGrid.check(settings.grid(), settings.steps());
    } else {
      TimeGrid.check(settings.grid());
    }
    if (!HAND_WRITTEN.contains(name) && !settings.grid().equals(TimeGrid.UNIFORM)) {
      throw FlowmatchException.invalidArgument(
          "--grid "
              + settings.grid()
              + " applies only to "
              + String.join(", ", HAND_WRITTEN)
              + "; "
              + name
              + (isAdaptive(name) ? " chooses its own steps" : " steps uniformly"));
    }
    GridFactory grid = GRID_SOLVERS.get(name);
    if (grid != null) {
      return grid.create(settings.steps(), settings.grid(), path);
    }
    if (BatchDormandPrinceSolver.NAME.equals(name)) {
      return new BatchDormandPrinceSolver(settings);
    }
    return new CommonsMathSolver(commonsMath(name), settings);
  }

  private static CommonsMathSolver.Method commonsMath(String name) {
    for (CommonsMathSolver.Method m : CommonsMathSolver.Method.values()) {
      if (m.solverName().equals(name)) {
        return m;
      }
    }
    return null;
  }

  private static void checkPositive(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw FlowmatchException.invalidArgument(
          option + " must be a positive number, got " + FieldCalls.number(value));
    }
  }
}
