package io.flowmatch.inference.compare;

import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import io.flowmatch.inference.solver.TimeGrid;
import java.math.BigDecimal;

/**
 * One row of a comparison: a solver and the one setting it runs with, a step count for fixed-step
 * methods or tolerances for adaptive ones.
 *
 * @param solver solver name as in {@link Solvers#names()}
 * @param grid time grid of a hand-written fixed-step method ({@code uniform} unless given)
 * @param steps step count of a fixed-step method; 0 for adaptive ones
 * @param rtol relative tolerance of an adaptive method; 0 for fixed-step ones
 * @param atol absolute tolerance of an adaptive method; 0 for fixed-step ones
 */
public record SolverSetting(String solver, String grid, int steps, double rtol, double atol) {

  public SolverSetting {
    grid = grid == null ? TimeGrid.UNIFORM : grid;
  }

  /** A fixed-step setting on the uniform grid. */
  public static SolverSetting fixed(String solver, int steps) {
    return new SolverSetting(solver, TimeGrid.UNIFORM, steps, 0, 0);
  }

  /** An adaptive setting with rtol = atol = {@code tolerance}. */
  public static SolverSetting adaptive(String solver, double tolerance) {
    return new SolverSetting(solver, TimeGrid.UNIFORM, 0, tolerance, tolerance);
  }

  public boolean adaptive() {
    return Solvers.isAdaptive(solver);
  }

  /**
   * The method as one line of a plot: the solver name, with its grid when not uniform ({@code
   * heun@edm}).
   */
  public String method() {
    return grid.equals(TimeGrid.UNIFORM) ? solver : solver + "@" + TimeGrid.label(grid);
  }

  /** The setting alone: {@code 20} (steps), {@code 1e-3} or {@code rtol=1e-3/atol=1e-6}. */
  public String parameter() {
    if (!adaptive()) {
      return Integer.toString(steps);
    }
    return rtol == atol ? number(rtol) : "rtol=" + number(rtol) + "/atol=" + number(atol);
  }

  /**
   * {@code euler:20}, {@code heun@edm:10}, {@code dopri5:1e-3}: the setting as written in a spec.
   */
  public String label() {
    return method() + ":" + parameter();
  }

  /** The solver, with {@code maxEvaluations} as the bound of adaptive methods. */
  public OdeSolver create(long maxEvaluations) {
    return create(maxEvaluations, null);
  }

  /** The same grid setting with another grid (a tuned grid resolved from a file). */
  public SolverSetting withGrid(String newGrid) {
    return new SolverSetting(solver, newGrid, steps, rtol, atol);
  }

  /**
   * The solver for a model on the affine path {@code path} (read by dpm2m; null: the OT path), with
   * {@code maxEvaluations} as the bound of adaptive methods.
   */
  public OdeSolver create(long maxEvaluations, io.flowmatch.inference.path.AffineSchedule path) {
    SolverSettings settings =
        new SolverSettings(
            adaptive() ? 0 : steps,
            adaptive() ? rtol : SolverSettings.DEFAULT_RTOL,
            adaptive() ? atol : SolverSettings.DEFAULT_ATOL,
            maxEvaluations,
            grid);
    return Solvers.create(solver, settings, path);
  }

  /** A tolerance as short as it was typed: 1e-3, 2.5e-5 below 0.01; 0.01, 0.05 from there up. */
  public static String number(double value) {
    BigDecimal d = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    if (value == 0 || Math.abs(value) >= 1e-2) {
      return d.toPlainString();
    }
    String digits = d.unscaledValue().abs().toString();
    int exponent = d.precision() - d.scale() - 1;
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (value < 0 ? "-" : "") + mantissa + "e" + exponent;
  }
}
