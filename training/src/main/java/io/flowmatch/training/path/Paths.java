package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds a path from its name and parameters (as stored in a run's config). */
public final class Paths {
  private Paths() {}

  private static final Map<String, Map<String, Double>> DEFAULTS =
      Map.of(
          "condot", Map.of("sigma_min", 0.0),
          "vp", Map.of("beta_min", 0.1, "beta_max", 20.0),
          "cosine", Map.of(),
          "polynomial", Map.of("n", 2.0));

  /** Valid path names. */
  public static List<String> names() {
    return List.of("condot", "vp", "cosine", "polynomial");
  }

  /** The parameters a path accepts, with their defaults. */
  public static Map<String, Double> defaults(String name) {
    Map<String, Double> d = DEFAULTS.get(name);
    if (d == null) {
      throw FlowmatchException.invalidArgument(
          "unknown path '" + name + "', expected one of " + String.join(", ", names()));
    }
    return new TreeMap<>(d);
  }

  /**
   * Creates a path.
   *
   * @param name one of {@link #names()}
   * @param params overrides of {@link #defaults(String)}; null or empty for the defaults
   * @throws FlowmatchException for an unknown name or parameter, or an invalid value
   */
  public static AffinePath create(String name, Map<String, Double> params) {
    Map<String, Double> p = new HashMap<>(defaults(name));
    if (params != null) {
      for (Map.Entry<String, Double> e : params.entrySet()) {
        if (!p.containsKey(e.getKey())) {
          throw FlowmatchException.invalidArgument(
              "path '"
                  + name
                  + "' has no parameter '"
                  + e.getKey()
                  + "'"
                  + (p.isEmpty()
                      ? ""
                      : ", expected one of " + String.join(", ", new TreeMap<>(p).keySet())));
        }
        p.put(e.getKey(), e.getValue());
      }
    }
    switch (name) {
      case "condot":
        return new CondOTPath(p.get("sigma_min"));
      case "vp":
        return new VPPath(p.get("beta_min"), p.get("beta_max"));
      case "cosine":
        return new CosinePath();
      case "polynomial":
        return new PolynomialPath(p.get("n"));
      default:
        throw new AssertionError(name);
    }
  }
}
