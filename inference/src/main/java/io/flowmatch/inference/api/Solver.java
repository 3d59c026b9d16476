package io.flowmatch.inference.api;

import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import io.flowmatch.inference.solver.TimeGrid;
import java.util.Locale;
import java.util.Objects;

/**
 * An ODE solver choice: a method and its settings, checked once where it is built.
 *
 * <pre>{@code
 * Solver.heun(20)                          // 20 uniform Heun steps (the command line's default)
 * Solver.euler(40).grid(Solver.Grid.EDM)   // 40 Euler steps on the EDM grid
 * Solver.dopri5(1e-5, 1e-5)                // Commons Math Dormand-Prince 5(4), whole batch
 * Solver.named("dopri5-batch", SolverSettings.adaptive(1e-4, 1e-4))
 * }</pre>
 *
 * <p>A solver is a description, not a running integrator: one {@code Solver} can serve many models
 * and threads. {@link #describe()} gives the text the command line prints.
 */
public final class Solver {
  /** Time grids of the hand-written fixed-step methods (see {@link TimeGrid}). */
  public enum Grid {
    UNIFORM,
    QUADRATIC,
    EDM;

    /** The command-line name. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String name;
  private final SolverSettings settings;
  private final boolean gridGiven;

  private Solver(String name, SolverSettings settings, boolean gridGiven) {
    this.name = name;
    this.settings = settings;
    this.gridGiven = gridGiven;
    Solvers.create(name, settings); // checks every setting the method reads, once
  }

  /** {@code steps} Euler steps. */
  public static Solver euler(int steps) {
    return fixed("euler", steps);
  }

  /** {@code steps} Heun steps (two model calls each). */
  public static Solver heun(int steps) {
    return fixed("heun", steps);
  }

  /** {@code steps} midpoint steps (two model calls each). */
  public static Solver midpoint(int steps) {
    return fixed("midpoint", steps);
  }

  /** {@code steps} classical Runge–Kutta steps (four model calls each). */
  public static Solver rk4(int steps) {
    return fixed("rk4", steps);
  }

  /** Commons Math Dormand–Prince 5(4) on the whole batch, with these tolerances. */
  public static Solver dopri5(double rtol, double atol) {
    return named("dopri5", SolverSettings.adaptive(rtol, atol));
  }

  /** Commons Math Dormand–Prince 8(5,3) on the whole batch, with these tolerances. */
  public static Solver dop853(double rtol, double atol) {
    return named("dop853", SolverSettings.adaptive(rtol, atol));
  }

  /** Per-sample adaptive Dormand–Prince 5(4): each sample keeps its own step size. */
  public static Solver dopri5Batch(double rtol, double atol) {
    return named("dopri5-batch", SolverSettings.adaptive(rtol, atol));
  }

  /**
   * Any solver by its command-line name ({@link Solvers#names()}), with settings.
   *
   * @throws io.flowmatch.inference.error.FlowmatchException (INVALID_ARGUMENT) for an unknown name
   *     or a setting out of range
   */
  public static Solver named(String name, SolverSettings settings) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(settings, "settings");
    return new Solver(name, settings, !TimeGrid.UNIFORM.equals(settings.grid()));
  }

  private static Solver fixed(String name, int steps) {
    return new Solver(name, SolverSettings.fixed(steps), false);
  }

  /** The same method on another time grid (hand-written fixed-step methods only). */
  public Solver grid(Grid grid) {
    return new Solver(name, settings.withGrid(grid.id()), true);
  }

  /** The same method with another evaluation bound (adaptive methods). */
  public Solver maxEvaluations(long bound) {
    return new Solver(name, settings.withMaxEvaluations(bound), gridGiven);
  }

  /** The command-line name, e.g. {@code heun}. */
  public String name() {
    return name;
  }

  public SolverSettings settings() {
    return settings;
  }

  /** Whether the method picks its own steps from tolerances. */
  public boolean adaptive() {
    return Solvers.isAdaptive(name);
  }

  /** A new integrator for one run (integrators may keep per-run state). */
  public OdeSolver create() {
    return Solvers.create(name, settings);
  }

  /**
   * A new integrator for one run on a model of the affine path {@code path} (what {@code dpm2m}
   * predicts with; null: the OT path).
   */
  public OdeSolver create(AffineSchedule path) {
    return Solvers.create(name, settings, path);
  }

  /** E.g. {@code heun (20 steps)} or {@code dopri5 (rtol 1e-05, atol 1e-05)}, as the CLI prints. */
  public String describe() {
    if (adaptive()) {
      return name
          + " (rtol "
          + Numbers.compact(settings.rtol())
          + ", atol "
          + Numbers.compact(settings.atol())
          + ")";
    }
    return name
        + " ("
        + settings.steps()
        + " steps"
        + (gridGiven ? ", " + settings.grid() + " grid" : "")
        + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
