package io.flowmatch.inference.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The variance-preserving diffusion path as written for flow matching by Lipman et al. (2023): α =
 * exp(−½·T(1 − t)), σ = sqrt(1 − α²), T(s) = s·β_min + ½s²(β_max − β_min). σ̇ diverges at t = 1, so
 * training times stop just short of it ({@link #maxTime()}).
 */
final class VpSchedule extends AffineSchedule.Simple {
  /** {@code vp}, parameters {@code beta_min} (default 0.1) and {@code beta_max} (default 20). */
  static final PathType TYPE =
      new PathType("vp", params(), p -> new VpSchedule(p.get("beta_min"), p.get("beta_max")));

  private final double betaMin;
  private final double betaMax;

  VpSchedule(double betaMin, double betaMax) {
    super("vp");
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

  private static Map<String, Double> params() {
    Map<String, Double> p = new LinkedHashMap<>();
    p.put("beta_min", 0.1);
    p.put("beta_max", 20.0);
    return p;
  }

  @Override
  public double alpha(double t) {
    double s = 1 - t;
    return Math.exp(-0.5 * (s * betaMin + 0.5 * s * s * (betaMax - betaMin)));
  }

  @Override
  public double sigma(double t) {
    double a = alpha(t);
    return Math.sqrt(Math.max(0, 1 - a * a));
  }

  @Override
  public double dAlpha(double t) {
    return 0.5 * (betaMin + (1 - t) * (betaMax - betaMin)) * alpha(t);
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
