package io.flowmatch.inference.path;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The registered affine paths: the one place that lists them, for training ({@code --path}, {@code
 * --path-param}) and for sampling (a model's {@code flowmatch.path}). A new path is one class
 * declaring its {@link PathType} plus one line in the static block below.
 */
public final class AffinePaths {
  private AffinePaths() {}

  /** The path flowmatch trains on by default, and a model without {@code flowmatch.path} is on. */
  public static final String DEFAULT = "condot";

  /** Every path by name, in the order help text lists them. */
  private static final Map<String, PathType> BY_NAME = new LinkedHashMap<>();

  static {
    // one line per path
    register(CondOtSchedule.TYPE);
    register(VpSchedule.TYPE);
    register(CosineSchedule.TYPE);
    register(PolynomialSchedule.TYPE);
  }

  private static void register(PathType p) {
    if (BY_NAME.putIfAbsent(p.name(), p) != null) {
      throw new IllegalStateException("path '" + p.name() + "' registered twice");
    }
  }

  /** Valid path names, e.g. {@code [condot, vp, cosine, polynomial]}. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * The path called {@code name}.
   *
   * @throws FlowmatchException (INVALID_ARGUMENT) naming the valid ones when there is none
   */
  public static PathType of(String name) {
    PathType p = BY_NAME.get(name);
    if (p == null) {
      throw FlowmatchException.invalidArgument(
          "unknown path '" + name + "', expected one of " + String.join(", ", names()));
    }
    return p;
  }

  /** The parameters {@code name} takes, with their defaults, sorted by name. */
  public static Map<String, Double> defaults(String name) {
    return new TreeMap<>(of(name).defaults());
  }

  /**
   * The schedule of {@code name} with {@code params} over its defaults.
   *
   * @param params overrides of {@link #defaults(String)}; null or empty for the defaults
   * @throws FlowmatchException (INVALID_ARGUMENT) for an unknown name or parameter, or a value
   *     outside the path's range
   */
  public static AffineSchedule create(String name, Map<String, Double> params) {
    PathType type = of(name);
    Map<String, Double> p = new LinkedHashMap<>(type.defaults());
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
    return type.create(p);
  }

  /**
   * The schedule a model declares in {@code flowmatch.path} and {@code flowmatch.path_params}
   * ({@code sigma_min=0}, {@code beta_min=0.1,beta_max=20}, {@code n=2}); a model without {@code
   * flowmatch.path} is taken to be on the OT path with σ_min = 0 (what flowmatch trains by
   * default). {@code ot} is read as {@code condot}; parameters the path does not take are ignored.
   *
   * @throws FlowmatchException (BAD_MODEL) for an unknown path or malformed parameters
   */
  public static AffineSchedule fromMetadata(Map<String, String> metadata) {
    String name =
        metadata.getOrDefault(ModelMetadata.PATH, DEFAULT).trim().toLowerCase(Locale.ROOT);
    if (name.equals("ot")) {
      name = DEFAULT;
    }
    Map<String, Double> given = new LinkedHashMap<>();
    String params = metadata.getOrDefault(ModelMetadata.PATH_PARAMS, "").trim();
    if (!params.isEmpty()) {
      for (String part : params.split(",")) {
        int eq = part.indexOf('=');
        try {
          given.put(
              part.substring(0, eq).trim(), Double.parseDouble(part.substring(eq + 1).trim()));
        } catch (RuntimeException e) {
          throw FlowmatchException.badModel(
              ModelMetadata.PATH_PARAMS
                  + " '"
                  + params
                  + "': expected name=number pairs"
                  + " separated by commas, e.g. sigma_min=0");
        }
      }
    }
    PathType type = BY_NAME.get(name);
    if (type == null) {
      throw FlowmatchException.badModel(
          ModelMetadata.PATH
              + " '"
              + name
              + "' is not a known affine path, expected one of: "
              + String.join(", ", names()));
    }
    Map<String, Double> p = new LinkedHashMap<>(type.defaults());
    for (Map.Entry<String, Double> e : given.entrySet()) {
      p.replace(e.getKey(), e.getValue());
    }
    try {
      return type.create(p);
    } catch (FlowmatchException e) {
      if (e.kind().isUsage()) {
        throw FlowmatchException.badModel("model metadata: " + e.getMessage());
      }
      throw e;
    }
  }
}
