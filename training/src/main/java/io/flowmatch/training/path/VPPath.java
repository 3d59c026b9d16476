package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Map;

/**
 * The variance-preserving diffusion path as written for flow matching by Lipman et al. (2023):
 * {@code α_t = exp(−½·T(1 − t))}, {@code σ_t = sqrt(1 − α_t²)}, with {@code T(s) = s·β_min +
 * ½·s²·(β_max − β_min)}. σ̇ diverges at t = 1, so training times stop just short of it.
 */
public final class VPPath implements AffinePath {
  private final double betaMin;
  private final double betaMax;

  public VPPath(double betaMin, double betaMax) {
    if (!(betaMin > 0 && betaMax > betaMin)) {
      throw FlowmatchException.invalidArgument(
          "vp path needs 0 < beta_min < beta_max, got beta_min="
              + betaMin
              + ", beta_max="
              + betaMax);
    }
    this.betaMin = betaMin;
    this.betaMax = betaMax;
  }

  @Override
  public String name() {
    return "vp";
  }

  @Override
  public Map<String, Double> params() {
    return Map.of("beta_min", betaMin, "beta_max", betaMax);
  }

  private double integratedBeta(double s) {
    return s * betaMin + 0.5 * s * s * (betaMax - betaMin);
  }

  private double beta(double s) {
    return betaMin + s * (betaMax - betaMin);
  }

  @Override
  public double alpha(double t) {
    return Math.exp(-0.5 * integratedBeta(1 - t));
  }

  @Override
  public double sigma(double t) {
    double a = alpha(t);
    return Math.sqrt(Math.max(0, 1 - a * a));
  }

  @Override
  public double dAlpha(double t) {
    // d/dt T(1 − t) = −β(1 − t)
    return 0.5 * beta(1 - t) * alpha(t);
  }

  @Override
  public double dSigma(double t) {
    return -alpha(t) * dAlpha(t) / sigma(t);
  }

  @Override
  public double maxTime() {
    return 1 - 1e-3;
  }
}
