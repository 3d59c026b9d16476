package io.flowmatch.training.path;

import java.util.Map;

/** The cosine path {@code α_t = sin(πt/2)}, {@code σ_t = cos(πt/2)}: variance-preserving. */
public final class CosinePath implements AffinePath {

  @Override
  public String name() {
    return "cosine";
  }

  @Override
  public Map<String, Double> params() {
    return Map.of();
  }

  @Override
  public double alpha(double t) {
    return Math.sin(0.5 * Math.PI * t);
  }

  @Override
  public double sigma(double t) {
    return Math.cos(0.5 * Math.PI * t);
  }

  @Override
  public double dAlpha(double t) {
    return 0.5 * Math.PI * Math.cos(0.5 * Math.PI * t);
  }

  @Override
  public double dSigma(double t) {
    return -0.5 * Math.PI * Math.sin(0.5 * Math.PI * t);
  }
}
