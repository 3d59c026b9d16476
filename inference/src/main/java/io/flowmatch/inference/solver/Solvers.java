package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;

/**
 * Solvers by command-line name.
 *
 * <ul>
 *   <li>hand-written fixed-step, on float arrays: {@code euler}, {@code heun}, {@code midpoint},
 *       {@code rk4} (time grids {@code uniform}, {@code quadratic}, {@code edm});
 *   <li>Commons Math on the whole batch, fixed step: {@code cm-euler}, {@code cm-midpoint},
 *       {@code cm-rk4} (uniform only);
 *   <li>Commons Math on the whole batch, adaptive: {@code dopri5}, {@code dop853}, {@code gbs},
 *       {@code adams} (Adams–Moulton, 4 steps);
 *   <li>our per-sample adaptive solver: {@code dopri5-batch}.
 * </ul>
 *
 * <p>Bad settings throw a {@link FlowmatchException} whose message names the option as on the command
 * line ({@code --steps}, {@code --rtol}, {@code --atol}, {@code --grid}, {@code --max-evals}).
 */
public final class Solvers {
  private Solvers() {}

  private static final List<String> HAND_WRITTEN =
      List.of(EulerSolver.NAME, HeunSolver.NAME, MidpointSolver.NAME, Rk4Solver.NAME);

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
      throw FlowmatchException.invalidArgument("--steps must be a positive integer, got " + settings.steps());
    } else if (settings.steps() > MAX_STEPS) {
      // the time grid holds steps + 1 values, and the evaluation counts are ints
      throw FlowmatchException.invalidArgument(
          "--steps must be at most " + MAX_STEPS + ", got " + settings.steps());
    }
    TimeGrid.check(settings.grid());
    if (!HAND_WRITTEN.contains(name) && !settings.grid().equals(TimeGrid.UNIFORM)) {
      throw FlowmatchException.invalidArgument(
          "--grid " + settings.grid() + " applies only to " + String.join(", ", HAND_WRITTEN)
              + "; " + name + (isAdaptive(name) ? " chooses its own steps" : " steps uniformly"));
    }
    switch (name) {
      case EulerSolver.NAME:
        return new EulerSolver(settings.steps(), settings.grid());
      case HeunSolver.NAME:
        return new HeunSolver(settings.steps(), settings.grid());
      case MidpointSolver.NAME:
        return new MidpointSolver(settings.steps(), settings.grid());
      case Rk4Solver.NAME:
        return new Rk4Solver(settings.steps(), settings.grid());
      case BatchDormandPrinceSolver.NAME:
        return new BatchDormandPrinceSolver(settings);
      default:
        return new CommonsMathSolver(commonsMath(name), settings);
    }
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
