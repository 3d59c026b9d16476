package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;

/**
 * Time grids of the fixed-step methods: {@code steps + 1} nodes from t0 to t1, with both ends exact.
 *
 * <p>A grid is defined on the unit interval from the noise end (0) to the data end (1) and mapped
 * affinely onto [min(t0, t1), max(t0, t1)]; a backward solve (t0 &gt; t1) walks the same nodes in
 * reverse, so forward and backward solves of one grid meet at the same times.
 *
 * <ul>
 *   <li>{@code uniform}: equal steps.
 *   <li>{@code quadratic}: u_i = 1 − (1 − i/K)², steps shrinking linearly towards the data end,
 *       where learned fields bend most. A smooth map of the uniform grid, so every method keeps its
 *       order on it.
 *   <li>{@code edm}: the noise levels of Karras et al. (EDM, ρ = 7, σ from 80 to 0.002) on the OT
 *       path, where σ = (1 − u)/u: nodes u = 1/(1 + σ_j) for j = 1..K−1, then the data end u = 1.
 *       The first node is the noise end u = 0 (σ = ∞) instead of σ = 80. In t the steps grow from
 *       the noise end to the middle and shrink again towards the data end, where they are smallest
 *       (the last, σ = 0.002 to 0, is 0.002 long). The first step always spans u = 0 to
 *       1/(1 + σ_1), whatever the step count, so its error sets a floor on convergence; the
 *       tests still see each method's order on it from 80 to 160 steps.
 * </ul>
 */
public final class TimeGrid {
  private TimeGrid() {}

  public static final String UNIFORM = "uniform";
  public static final String QUADRATIC = "quadratic";
  public static final String EDM = "edm";

  private static final double EDM_SIGMA_MAX = 80;
  private static final double EDM_SIGMA_MIN = 0.002;
  private static final double EDM_RHO = 7;

  /** The valid grid names. */
  public static List<String> names() {
    return List.of(UNIFORM, QUADRATIC, EDM);
  }

  /** Throws a {@link FlowmatchException} unless {@code grid} is one of {@link #names()}. */
  public static void check(String grid) {
    if (!names().contains(grid)) {
      throw FlowmatchException.invalidArgument(
          "unknown grid '" + grid + "', expected one of: " + String.join(", ", names()));
    }
  }

  /**
   * The {@code steps + 1} times of a grid from {@code t0} to {@code t1}; the first is exactly t0
   * and the last exactly t1.
   */
  public static double[] nodes(String grid, int steps, double t0, double t1) {
    check(grid);
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be a positive integer, got " + steps);
    }
    double[] unit = unitNodes(grid, steps);
    double lo = Math.min(t0, t1);
    double hi = Math.max(t0, t1);
    double[] nodes = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      // forward reads the unit grid from the noise end, backward from the data end
      double u = t0 <= t1 ? unit[i] : unit[steps - i];
      nodes[i] = lo + (hi - lo) * u;
    }
    nodes[0] = t0;
    nodes[steps] = t1;
    return nodes;
  }

  /** Increasing nodes on [0, 1], 0 first and 1 last. */
  private static double[] unitNodes(String grid, int steps) {
    double[] u = new double[steps + 1];
    switch (grid) {
      case UNIFORM:
        for (int i = 0; i <= steps; i++) {
          u[i] = (double) i / steps;
        }
        break;
      case QUADRATIC:
        for (int i = 0; i <= steps; i++) {
          double r = 1 - (double) i / steps;
          u[i] = 1 - r * r;
        }
        break;
      case EDM:
        double aMax = Math.pow(EDM_SIGMA_MAX, 1 / EDM_RHO);
        double aMin = Math.pow(EDM_SIGMA_MIN, 1 / EDM_RHO);
        for (int j = 1; j < steps; j++) {
          // Karras' σ_j for j = 0..K−1 spans σ_max..σ_min; node j replaces σ_0 by the noise end
          double frac = steps == 1 ? 0 : (double) j / (steps - 1);
          double sigma = Math.pow(aMax + frac * (aMin - aMax), EDM_RHO);
          u[j] = 1 / (1 + sigma);
        }
        break;
      default:
        throw new IllegalStateException(grid);
    }
    u[0] = 0;
    u[steps] = 1;
    return u;
  }
}
