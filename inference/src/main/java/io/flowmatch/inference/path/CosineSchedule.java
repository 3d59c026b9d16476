package io.flowmatch.inference.path;

import java.util.Map;

/** The cosine path α = sin(πt/2), σ = cos(πt/2): variance-preserving. */
final class CosineSchedule extends AffineSchedule.Simple {
  /** {@code cosine}, no parameters. */
  static final PathType TYPE = new PathType("cosine", Map.of(), p -> new CosineSchedule());

  CosineSchedule() {
    super("cosine");
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
