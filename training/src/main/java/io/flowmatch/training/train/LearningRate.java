package io.flowmatch.training.train;

import io.flowmatch.inference.error.FlowmatchException;

/** Linear warm-up from 0 to the peak, then constant or a half cosine down to 0 at the last step. */
public final class LearningRate {
  private final double peak;
  private final int warmup;
  private final int steps;
  private final boolean cosine;

  public LearningRate(double peak, int warmup, int steps, String schedule) {
    if (!TrainConfig.SCHEDULES.contains(schedule)) {
      throw FlowmatchException.invalidArgument(
          "unknown schedule '"
              + schedule
              + "', expected one of "
              + String.join(", ", TrainConfig.SCHEDULES));
    }
    this.peak = peak;
    this.warmup = warmup;
    this.steps = steps;
    this.cosine = schedule.equals("cosine");
  }

  /** Learning rate of step {@code step} (0-based). */
  public double at(long step) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    if (!cosine) {
      return peak;
    }
    double span = Math.max(1, steps - warmup);
    double progress = Math.min(1.0, (step - warmup) / span);
    return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
