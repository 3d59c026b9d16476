package io.flowmatch.inference.path;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A kind of affine path as registered in {@link AffinePaths}: its name (as in {@code --path} and
 * {@code flowmatch.path}), its parameters with their defaults, and how to build its schedule from a
 * full set of parameters. Each path's class declares its own, e.g. {@link CosineSchedule#TYPE}.
 *
 * @param name the path's name
 * @param defaults every parameter the path takes, with its default, in a fixed order
 * @param factory builds the schedule from {@code defaults} with the given values in place; it
 *     throws {@link io.flowmatch.inference.error.FlowmatchException} (INVALID_ARGUMENT) for a value
 *     outside the path's range
 */
public record PathType(
    String name,
    Map<String, Double> defaults,
    Function<Map<String, Double>, AffineSchedule> factory) {
  public PathType {
    defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
  }

  /** The schedule for a full set of parameters (every key of {@link #defaults()}). */
  public AffineSchedule create(Map<String, Double> params) {
    return factory.apply(params);
  }
}
