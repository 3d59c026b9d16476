package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.Map;

/**
 * The variance-preserving diffusion path as written for flow matching by Lipman et al. (2023):
 * {@code α_t = exp(−½·T(1 − t))}, {@code σ_t = sqrt(1 − α_t²)}, with {@code T(s) = s·β_min +
 * ½·s²·(β_max − β_min)}. σ̇ diverges at t = 1, so training times stop just short of it.
 */
public final class VPPath extends ScheduledPath {
  private final double betaMin;
  private final double betaMax;

  public VPPath(double betaMin, double betaMax) {
    super(AffineSchedule.vp(checked(betaMin, betaMax), betaMax));
    this.betaMin = betaMin;
    this.betaMax = betaMax;
  }

  private static double checked(double betaMin, double betaMax) {
    if (!(betaMin > 0 && betaMax > betaMin)) {
      throw FlowmatchException.invalidArgument(
          "vp path needs 0 < beta_min < beta_max, got beta_min="
              + betaMin
              + ", beta_max="
              + betaMax);
    }
    return betaMin;
  }

  @Override
  public Map<String, Double> params() {
    return Map.of("beta_min", betaMin, "beta_max", betaMax);
  }

  @Override
  public double maxTime() {
    return 1 - 1e-3;
  }
}
