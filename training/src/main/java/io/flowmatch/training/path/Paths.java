package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffinePaths;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.List;
import java.util.Map;

/**
 * Builds a training path from its name and parameters (as stored in a run's config). The paths are
 * those registered in the inference module's {@link AffinePaths}, so a model is sampled on the path
 * it was trained on; a new path is registered there, not here.
 */
public final class Paths {
  private Paths() {}

  /** Valid path names. */
  public static List<String> names() {
    return AffinePaths.names();
  }

  /** The parameters a path accepts, with their defaults. */
  public static Map<String, Double> defaults(String name) {
    return AffinePaths.defaults(name);
  }

  /**
   * Creates a path.
   *
   * @param name one of {@link #names()}
   * @param params overrides of {@link #defaults(String)}; null or empty for the defaults
   * @throws FlowmatchException for an unknown name or parameter, or an invalid value
   */
  public static AffinePath create(String name, Map<String, Double> params) {
    AffineSchedule schedule = AffinePaths.create(name, params); // checks names and values
    Map<String, Double> full = defaults(name);
    if (params != null) {
      full.putAll(params);
    }
    return new ScheduledPath(schedule, full);
  }
}
