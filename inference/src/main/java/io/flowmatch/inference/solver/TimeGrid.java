package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;

/**
 * Time grids of the fixed-step methods: {@code steps + 1} nodes from t0 to t1, with both ends
 * exact.
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
 *       (the last, σ = 0.002 to 0, is 0.002 long). The first step always spans u = 0 to 1/(1 +
 *       σ_1), whatever the step count, so its error sets a floor on convergence; the tests still
 *       see each method's order on it from 80 to 160 steps.
 *   <li>{@code shift=S} (S &gt; 0): the time shift of Stable Diffusion 3 (Esser et al. 2024). On
 *       the noise level σ = 1 − u of the uniform grid, σ' = S·σ / (1 + (S − 1)·σ), u = 1 − σ'. S
 *       &gt; 1 spends more steps near the noise end, S &lt; 1 near the data end, S = 1 is uniform.
 *       A smooth map of the uniform grid, so methods keep their order on it.
 *   <li>{@code times=u0,u1,...,uK}: explicit unit times, 0 first, 1 last, strictly increasing, one
 *       more than the steps ({@code --grid-times} on the command line). {@code tuned=...} is the
 *       same with the label {@code tuned}: a grid chosen by {@code flowmatch tune-grid}.
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

  /** Prefix of the shifted grids: {@code shift=3}. */
  public static final String SHIFT = "shift=";

  /** Prefix of explicit grids: {@code times=0,0.3,1}. */
  public static final String TIMES = "times=";

  /** Prefix of explicit grids chosen by {@code tune-grid}: {@code tuned=0,0.3,1}. */
  public static final String TUNED = "tuned=";

  /** The grid names that take no parameter. */
  public static List<String> names() {
    return List.of(UNIFORM, QUADRATIC, EDM);
  }

  /** What the error messages list as valid grids. */
  public static String expected() {
    return String.join(", ", names()) + ", shift=S or times=t0,...,tK";
  }

  /**
   * Throws a {@link FlowmatchException} (INVALID_ARGUMENT) unless {@code grid} is one of {@link
   * #names()}, {@code shift=S} with S &gt; 0, or valid explicit times.
   */
  public static void check(String grid) {
    if (names().contains(grid)) {
      return;
    }
    if (grid != null && grid.startsWith(SHIFT)) {
      shift(grid);
      return;
    }
    if (grid != null && (grid.startsWith(TIMES) || grid.startsWith(TUNED))) {
      explicit(grid);
      return;
    }
    throw FlowmatchException.invalidArgument(
        "unknown grid '" + grid + "', expected one of: " + expected());
  }

  /** Like {@link #check(String)}, and an explicit grid must have {@code steps + 1} times. */
  public static void check(String grid, int steps) {
    check(grid);
    if (grid.startsWith(TIMES) || grid.startsWith(TUNED)) {
      int count = explicit(grid).length;
      if (count != steps + 1) {
        throw FlowmatchException.invalidArgument(
            "grid "
                + label(grid)
                + " has "
                + count
                + " times ("
                + (count - 1)
                + " steps), expected "
                + (steps + 1)
                + " for "
                + steps
                + " steps");
      }
    }
  }

  /** Whether the grid lists its own times (so it fixes the step count). */
  public static boolean isExplicit(String grid) {
    return grid != null && (grid.startsWith(TIMES) || grid.startsWith(TUNED));
  }

  /** Steps of an explicit grid. */
  public static int explicitSteps(String grid) {
    return explicit(grid).length - 1;
  }

  /**
   * The grid as shown in tables and plots: {@code uniform}, {@code shift=3}, {@code times}, {@code
   * tuned}.
   */
  public static String label(String grid) {
    if (grid.startsWith(TIMES)) {
      return "times";
    }
    if (grid.startsWith(TUNED)) {
      return "tuned";
    }
    return grid;
  }

  /**
   * An explicit grid from unit times, as {@code prefix} ({@link #TIMES} or {@link #TUNED}) + list.
   */
  public static String explicitGrid(String prefix, double[] unitTimes) {
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < unitTimes.length; i++) {
      sb.append(i == 0 ? "" : ",").append(unitTimes[i]);
    }
    String grid = sb.toString();
    check(grid);
    return grid;
  }

  /**
   * Parses a list of unit times ({@code 0,0.05,...,1}; commas, spaces or newlines between values).
   *
   * @param what how the list is named in messages, e.g. {@code --grid-times}
   */
  public static double[] parseTimes(String what, String text) {
    String[] parts = text.trim().split("[,\\s]+");
    double[] u = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        u[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw FlowmatchException.invalidArgument(
            what + ": '" + parts[i] + "' (time " + (i + 1) + ") is not a number");
      }
    }
    checkTimes(what, u);
    return u;
  }

  private static void checkTimes(String what, double[] u) {
    if (u.length < 2 || u[0] != 0 || u[u.length - 1] != 1) {
      throw FlowmatchException.invalidArgument(
          what
              + ": expected at least two times from 0 to 1 (0 first, 1 last), got "
              + u.length
              + (u.length == 0 ? "" : " from " + u[0] + " to " + u[u.length - 1]));
    }
    for (int i = 1; i < u.length; i++) {
      if (!(u[i] > u[i - 1])) {
        throw FlowmatchException.invalidArgument(
            what
                + ": times must increase strictly, got "
                + u[i - 1]
                + " then "
                + u[i]
                + " (times "
                + i
                + " and "
                + (i + 1)
                + ")");
      }
    }
  }

  private static double shift(String grid) {
    String value = grid.substring(SHIFT.length());
    double s;
    try {
      s = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      s = Double.NaN;
    }
    if (!(s > 0) || Double.isInfinite(s)) {
      throw FlowmatchException.invalidArgument(
          "grid "
              + grid
              + ": the shift must be a positive number such as shift=3, got '"
              + value
              + "'");
    }
    return s;
  }

  private static double[] explicit(String grid) {
    String prefix = grid.startsWith(TIMES) ? TIMES : TUNED;
    return parseTimes(
        "grid " + prefix.substring(0, prefix.length() - 1), grid.substring(prefix.length()));
  }

  /**
   * The {@code steps + 1} times of a grid from {@code t0} to {@code t1}; the first is exactly t0
   * and the last exactly t1.
   */
  public static double[] nodes(String grid, int steps, double t0, double t1) {
    if (steps < 1) {
      throw FlowmatchException.invalidArgument("steps must be a positive integer, got " + steps);
    }
    check(grid, steps);
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
    if (isExplicit(grid)) {
      return explicit(grid);
    }
    double[] u = new double[steps + 1];
    if (grid.startsWith(SHIFT)) {
      double s = shift(grid);
      for (int i = 0; i <= steps; i++) {
        double sigma = 1 - (double) i / steps;
        u[i] = 1 - s * sigma / (1 + (s - 1) * sigma);
      }
      u[0] = 0;
      u[steps] = 1;
      return u;
    }
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
