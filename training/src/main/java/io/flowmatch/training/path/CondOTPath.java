package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.Map;

/**
 * The conditional optimal-transport path of Lipman et al.: {@code x_t = (1 − (1 − σ_min)·t)·x0 +
 * t·x1}, target {@code u = x1 − (1 − σ_min)·x0}. Straight lines from noise to data; with σ_min > 0
 * the end point keeps a little noise around each data point.
 */
public final class CondOTPath extends ScheduledPath {
  private final double sigmaMin;

  public CondOTPath(double sigmaMin) {
    super(AffineSchedule.condOt(checked(sigmaMin)));
    this.sigmaMin = sigmaMin;
  }

  private static double checked(double sigmaMin) {
    if (!(sigmaMin >= 0 && sigmaMin < 1)) {
      throw FlowmatchException.invalidArgument("sigma_min must lie in [0, 1), got " + sigmaMin);
    }
    return sigmaMin;
  }

  public double sigmaMin() {
    return sigmaMin;
  }

  @Override
  public Map<String, Double> params() {
    return Map.of("sigma_min", sigmaMin);
  }
}
