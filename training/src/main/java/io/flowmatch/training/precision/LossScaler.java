package io.flowmatch.training.precision;

import io.flowmatch.inference.error.FlowmatchException;

/**
 * Dynamic loss scaling for float16 training. The loss is multiplied by {@link #scale()} so small
 * gradients survive in float16; gradients are divided by it again in float32. A step whose
 * gradients overflow (inf/NaN) is skipped and the scale halved; after {@code growthInterval} good
 * steps in a row the scale doubles.
 */
public final class LossScaler {
  /** Scale never goes below this: below it, float16 gradients would underflow wholesale. */
  public static final double MIN_SCALE = 1.0 / (1 << 14);

  private final int growthInterval;
  private final boolean dynamic;
  private double scale;
  private int goodSteps;

  private LossScaler(double scale, int growthInterval, boolean dynamic) {
    this.scale = scale;
    this.growthInterval = growthInterval;
    this.dynamic = dynamic;
  }

  /** A dynamic scaler starting at {@code initialScale}. */
  public static LossScaler dynamic(double initialScale, int growthInterval) {
    if (!(initialScale > 0) || Double.isInfinite(initialScale)) {
      throw FlowmatchException.invalidArgument(
          "initial loss scale must be positive and finite, got " + initialScale);
    }
    if (growthInterval < 1) {
      throw FlowmatchException.invalidArgument(
          "loss-scale growth interval must be ≥ 1, got " + growthInterval);
    }
    return new LossScaler(initialScale, growthInterval, true);
  }

  /** Scale fixed at 1 (float32 training: nothing to protect). */
  public static LossScaler none() {
    return new LossScaler(1, Integer.MAX_VALUE, false);
  }

  public double scale() {
    return scale;
  }

  public int goodSteps() {
    return goodSteps;
  }

  public boolean isDynamic() {
    return dynamic;
  }

  /** Restores the state saved in a checkpoint. */
  public void restore(double savedScale, int savedGoodSteps) {
    this.scale = savedScale;
    this.goodSteps = savedGoodSteps;
  }

  /**
   * Records the outcome of a step.
   *
   * @param finite whether all unscaled gradients were finite
   * @return true if the update may be applied, false if the step must be skipped
   */
  public boolean update(boolean finite) {
    if (!dynamic) {
      return finite;
    }
    if (!finite) {
      scale = Math.max(MIN_SCALE, scale / 2);
      goodSteps = 0;
      return false;
    }
    goodSteps++;
    if (goodSteps >= growthInterval) {
      // float16's largest value is 65504: past 2^24 a scaled loss overflows for any loss ≥ 1e-3
      scale = Math.min(scale * 2, 16777216.0);
      goodSteps = 0;
    }
    return true;
  }
}
