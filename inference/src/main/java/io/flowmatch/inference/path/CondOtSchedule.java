package io.flowmatch.inference.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Map;

/**
 * The conditional optimal-transport path of Lipman et al. with σ_min: α = t, σ = 1 − (1 − σ_min)·t.
 * Straight lines from noise to data; with σ_min > 0 the end point keeps a little noise around each
 * data point.
 */
final class CondOtSchedule extends AffineSchedule.Simple {
  /** {@code condot}, parameter {@code sigma_min} (default 0). */
  static final PathType TYPE =
      new PathType("condot", Map.of("sigma_min", 0.0), p -> new CondOtSchedule(p.get("sigma_min")));

  private final double sigmaMin;

  CondOtSchedule(double sigmaMin) {
    super("condot");
    if (!(sigmaMin >= 0 && sigmaMin < 1)) {
      throw FlowmatchException.invalidArgument(
          "condot path: sigma_min must lie in [0, 1), got " + sigmaMin);
    }
    this.sigmaMin = sigmaMin;
  }

  @Override
  public double alpha(double t) {
    return t;
  }

  @Override
  public double sigma(double t) {
    return 1 - (1 - sigmaMin) * t;
  }

  @Override
  public double dAlpha(double t) {
    return 1;
  }

  @Override
  public double dSigma(double t) {
    return -(1 - sigmaMin);
  }
}
