package io.flowmatch.inference.bench;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;

/**
 * One solver setting of the benchmark grid, written {@code NAME:STEPS} for fixed-step methods
 * ({@code euler:20}) and {@code NAME[:TOL]} for adaptive ones ({@code dopri5}, {@code dopri5:1e-3};
 * rtol = atol = TOL, default {@value #DEFAULT_TOLERANCE}).
 */
public record SolverSpec(String name, int steps, double tolerance) {
  public static final double DEFAULT_TOLERANCE = 1e-4;

  /** Parses one item of {@code --solvers}; bad items are usage errors naming the option. */
  public static SolverSpec parse(String text) {
    return parse("--solvers", text);
  }

  /** Parses {@code text} given to {@code option}; bad items are usage errors naming it. */
  public static SolverSpec parse(String option, String text) {
    String[] parts = text.trim().split(":", -1);
    String name = parts[0];
    if (parts.length > 2 || !Solvers.names().contains(name)) {
      throw FlowmatchException.invalidArgument(
          option
              + ": '"
              + text
              + "' is not NAME:STEPS or NAME[:TOL] with NAME one of: "
              + String.join(", ", Solvers.names()));
    }
    if (Solvers.isAdaptive(name)) {
      double tol = DEFAULT_TOLERANCE;
      if (parts.length == 2) {
        try {
          tol = Double.parseDouble(parts[1]);
        } catch (NumberFormatException e) {
          tol = Double.NaN;
        }
        if (!(tol > 0) || Double.isInfinite(tol)) {
          throw FlowmatchException.invalidArgument(
              option
                  + ": the tolerance of "
                  + name
                  + " must be a positive number, got '"
                  + parts[1]
                  + "'");
        }
      }
      return new SolverSpec(name, 0, tol);
    }
    if (parts.length != 2) {
      throw FlowmatchException.invalidArgument(
          option + ": " + name + " needs its steps, e.g. " + name + ":20, got '" + text + "'");
    }
    int steps;
    try {
      steps = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      steps = 0;
    }
    if (steps < 1) {
      throw FlowmatchException.invalidArgument(
          option
              + ": the steps of "
              + name
              + " must be a positive integer, got '"
              + parts[1]
              + "'");
    }
    return new SolverSpec(name, steps, 0);
  }

  public boolean adaptive() {
    return steps == 0;
  }

  public OdeSolver create() {
    return adaptive()
        ? Solvers.create(name, SolverSettings.adaptive(tolerance, tolerance))
        : Solvers.create(name, SolverSettings.fixed(steps));
  }

  /** As written on the command line, e.g. {@code heun:10} or {@code dopri5:1e-04}. */
  public String label() {
    return adaptive() ? name + ":" + Numbers.sci(tolerance, 1) : name + ":" + steps;
  }
}
