package io.flowmatch.training.train;

import io.flowmatch.inference.error.FlowmatchException;

/**
 * Linear warm-up from 0 to the peak, then one of: constant; a half cosine down to 0 at the last
 * step; or warmup-stable-decay ({@code wsd}): constant, then a linear decay to 0 over the last
 * {@link #WSD_DECAY_FRACTION} of the steps. WSD keeps the peak rate as long as possible and still
 * ends annealed, and a constant run can be switched to it on resume without a jump in the rate.
 */
public final class LearningRate {
  private final double peak;
  private final int warmup;
  private final int steps;
  private final String schedule;

  /** Fraction of all steps over which {@code wsd} decays to zero. */
  public static final double WSD_DECAY_FRACTION = 0.2;

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
    this.schedule = schedule;
  }

  /** Learning rate of step {@code step} (0-based). */
  public double at(long step) {
    if (step < warmup) {
      return peak * (step + 1) / warmup;
    }
    switch (schedule) {
      case "cosine":
        double span = Math.max(1, steps - warmup);
        double progress = Math.min(1.0, (step - warmup) / span);
        return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
      case "wsd":
        // the decay starts after warm-up even when warm-up is longer than the stable phase
        double decaySteps = Math.max(1, Math.round(steps * WSD_DECAY_FRACTION));
        double decayStart = Math.max(warmup, steps - decaySteps);
        double remaining = (steps - step) / Math.max(1, steps - decayStart);
        return peak * Math.max(0, Math.min(1, remaining));
      default:
        return peak;
    }
  }
}
