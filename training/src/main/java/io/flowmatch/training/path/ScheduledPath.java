package io.flowmatch.training.path;

import io.flowmatch.inference.path.AffineSchedule;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A training path whose α, σ and their derivatives are those of a registered inference {@link
 * AffineSchedule}: one set of formulas serves training and sampling, so a model samples on the path
 * it was trained on, and a new path needs no class here.
 */
final class ScheduledPath implements AffinePath {
  private final AffineSchedule schedule;
  private final Map<String, Double> params;

  ScheduledPath(AffineSchedule schedule, Map<String, Double> params) {
    this.schedule = schedule;
    this.params = Collections.unmodifiableMap(new TreeMap<>(params));
  }

  @Override
  public String name() {
    return schedule.name();
  }

  @Override
  public Map<String, Double> params() {
    return params;
  }

  @Override
  public double alpha(double t) {
    return schedule.alpha(t);
  }

  @Override
  public double sigma(double t) {
    return schedule.sigma(t);
  }

  @Override
  public double dAlpha(double t) {
    return schedule.dAlpha(t);
  }

  @Override
  public double dSigma(double t) {
    return schedule.dSigma(t);
  }

  @Override
  public double maxTime() {
    return schedule.maxTime();
  }

  @Override
  public String toString() {
    return schedule.toString();
  }
}
