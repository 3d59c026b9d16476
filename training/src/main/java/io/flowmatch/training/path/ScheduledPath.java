package io.flowmatch.training.path;

import io.flowmatch.inference.path.AffineSchedule;

/**
 * A training path whose α, σ and their derivatives are those of an inference {@link
 * AffineSchedule}: one set of formulas serves training and sampling, so a model samples on the path
 * it was trained on. Subclasses add their parameters and checks.
 */
abstract class ScheduledPath implements AffinePath {
  private final AffineSchedule schedule;

  ScheduledPath(AffineSchedule schedule) {
    this.schedule = schedule;
  }

  @Override
  public String name() {
    return schedule.name();
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
}
