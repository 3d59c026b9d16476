package io.flowmatch.inference.compare;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.solver.Solvers;
import io.flowmatch.inference.solver.TimeGrid;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses the {@code --solvers} spec of {@code flowmatch compare}: entries separated by spaces (or
 * semicolons), each {@code name[@grid]:value,value,...}.
 *
 * <ul>
 *   <li>fixed-step methods take step counts: {@code euler:5,10,20}, {@code heun@edm:10,20};
 *   <li>adaptive methods take tolerances, rtol = atol = value: {@code dopri5:1e-3,1e-5}, or both
 *       spelled out: {@code dopri5:rtol=1e-3/atol=1e-6}.
 * </ul>
 *
 * <p>A malformed spec is a {@link FlowmatchException} that names the bad token and its position
 * (characters counted from 1), e.g. {@code --solvers: step count '1.5' of euler at character 9 must
 * be a positive integer}.
 */
public final class SolverSpec {
  private SolverSpec() {}

  /** The grid of a spec entry ({@code heun@tuned:4}) taken from {@code --grid FILE.json}. */
  public static final String TUNED = "tuned";

  /** The spec {@code flowmatch compare} runs when none is given. */
  public static final String DEFAULT =
      "euler:5,10,20,50,100 heun:5,10,20,50 rk4:5,10,20 dopri5:1e-2,1e-3,1e-4,1e-5"
          + " dop853:1e-3,1e-5 dopri5-batch:1e-2,1e-3,1e-4,1e-5";

  /** Every setting of the spec, in the order written. */
  public static List<SolverSetting> parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw FlowmatchException.invalidArgument(
          "--solvers is empty, expected entries like \"euler:10,20 heun:10 dopri5:1e-3\"");
    }
    List<SolverSetting> settings = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    int i = 0;
    int length = spec.length();
    while (i < length) {
      char c = spec.charAt(i);
      if (Character.isWhitespace(c) || c == ';') {
        i++;
        continue;
      }
      int end = i;
      while (end < length && !Character.isWhitespace(spec.charAt(end)) && spec.charAt(end) != ';') {
        end++;
      }
      parseEntry(spec.substring(i, end), i, settings, seen);
      i = end;
    }
    return settings;
  }

  private static void parseEntry(
      String entry, int offset, List<SolverSetting> out, Set<String> seen) {
    int colon = entry.indexOf(':');
    if (colon < 0) {
      throw error(
          "'"
              + entry
              + "' at character "
              + (offset + 1)
              + " has no settings, expected name:values such as euler:10,20 or dopri5:1e-3");
    }
    String head = entry.substring(0, colon);
    int at = head.indexOf('@');
    String name = at < 0 ? head : head.substring(0, at);
    String grid = at < 0 ? TimeGrid.UNIFORM : head.substring(at + 1);
    if (name.isEmpty()) {
      throw error("missing solver name before ':' at character " + (offset + colon + 1));
    }
    if (!Solvers.names().contains(name)) {
      throw error(
          "unknown solver '"
              + name
              + "' at character "
              + (offset + 1)
              + ", expected one of: "
              + String.join(", ", Solvers.names()));
    }
    boolean adaptive = Solvers.isAdaptive(name);
    if (at >= 0) {
      int gridAt = offset + at + 2;
      if (!grid.equals(TUNED)) {
        try {
          TimeGrid.check(grid);
        } catch (FlowmatchException e) {
          throw error(
              "unknown grid '"
                  + grid
                  + "' of "
                  + name
                  + " at character "
                  + gridAt
                  + ", expected one of: "
                  + TimeGrid.expected()
                  + " or "
                  + TUNED
                  + " (with --grid FILE.json)");
        }
      }
      if (!Solvers.gridSolvers().contains(name) && !grid.equals(TimeGrid.UNIFORM)) {
        throw error(
            "grid '"
                + grid
                + "' of "
                + name
                + " at character "
                + gridAt
                + ": grid "
                + grid
                + " applies only to "
                + String.join(", ", Solvers.gridSolvers())
                + "; "
                + name
                + (adaptive ? " chooses its own steps" : " steps uniformly"));
      }
    }
    String values = entry.substring(colon + 1);
    if (values.isEmpty()) {
      throw error(
          name
              + " at character "
              + (offset + 1)
              + " has no "
              + (adaptive ? "tolerances" : "step counts")
              + " after ':'");
    }
    int start = 0;
    while (start <= values.length()) {
      int comma = values.indexOf(',', start);
      int stop = comma < 0 ? values.length() : comma;
      String value = values.substring(start, stop);
      int position = offset + colon + 1 + start + 1;
      SolverSetting setting =
          adaptive ? tolerances(name, value, position) : steps(name, grid, value, position);
      if (!seen.add(setting.label())) {
        throw error(setting.label() + " at character " + position + " is listed twice");
      }
      out.add(setting);
      if (comma < 0) {
        break;
      }
      start = comma + 1;
    }
  }

  private static SolverSetting steps(String name, String grid, String value, int position) {
    int steps;
    try {
      steps = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      steps = -1;
    }
    if (steps < 1) {
      throw error(
          (value.isEmpty() ? "empty step count" : "step count '" + value + "'")
              + " of "
              + name
              + " at character "
              + position
              + " must be a positive integer"
              + (value.contains("e") || value.contains(".") || value.contains("=")
                  ? " (" + name + " is a fixed-step method; tolerances are for adaptive ones)"
                  : ""));
    }
    if (TimeGrid.isExplicit(grid)) {
      try {
        TimeGrid.check(grid, steps);
      } catch (FlowmatchException e) {
        throw error(name + " at character " + position + ": " + e.getMessage());
      }
    }
    return new SolverSetting(name, grid, steps, 0, 0);
  }

  private static SolverSetting tolerances(String name, String value, int position) {
    if (value.contains("=")) {
      Double rtol = null;
      Double atol = null;
      int from = 0;
      for (String part : value.split("/", -1)) {
        int eq = part.indexOf('=');
        String key = eq < 0 ? part : part.substring(0, eq);
        String number = eq < 0 ? "" : part.substring(eq + 1);
        int where = position + from;
        if (key.equals("rtol") && rtol == null) {
          rtol = tolerance(name, "rtol", number, where + eq + 1);
        } else if (key.equals("atol") && atol == null) {
          atol = tolerance(name, "atol", number, where + eq + 1);
        } else {
          throw error(
              "'"
                  + part
                  + "' of "
                  + name
                  + " at character "
                  + where
                  + ": expected rtol=R/atol=A, each once, e.g. rtol=1e-3/atol=1e-6");
        }
        from += part.length() + 1;
      }
      if (rtol == null || atol == null) {
        throw error(
            "'"
                + value
                + "' of "
                + name
                + " at character "
                + position
                + " names only "
                + (rtol == null ? "atol" : "rtol")
                + ", expected rtol=R/atol=A or one tolerance for both");
      }
      return new SolverSetting(name, TimeGrid.UNIFORM, 0, rtol, atol);
    }
    double tol = tolerance(name, "tolerance", value, position);
    return new SolverSetting(name, TimeGrid.UNIFORM, 0, tol, tol);
  }

  private static double tolerance(String name, String what, String value, int position) {
    double tol;
    try {
      tol = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      tol = Double.NaN;
    }
    if (!(tol > 0) || Double.isInfinite(tol) || value.endsWith("d") || value.endsWith("f")) {
      throw error(
          (value.isEmpty() ? "empty " + what : what + " '" + value + "'")
              + " of "
              + name
              + " at character "
              + position
              + " must be a positive number such as 1e-3");
    }
    return tol;
  }

  private static FlowmatchException error(String message) {
    return FlowmatchException.invalidArgument("--solvers: " + message);
  }
}
