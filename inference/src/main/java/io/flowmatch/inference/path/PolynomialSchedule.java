package io.flowmatch.inference.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Map;

/** The polynomial path α = tⁿ, σ = 1 − t; n = 1 is the OT path. */
final class PolynomialSchedule extends AffineSchedule.Simple {
  /** {@code polynomial}, parameter {@code n} (default 2). */
  static final PathType TYPE =
      new PathType("polynomial", Map.of("n", 2.0), p -> new PolynomialSchedule(p.get("n")));

  private final double n;

  PolynomialSchedule(double n) {
    super("polynomial");
    if (!(n > 0) || Double.isInfinite(n)) {
      throw FlowmatchException.invalidArgument("polynomial path: n must be > 0, got " + n);
    }
    this.n = n;
  }

  @Override
  public double alpha(double t) {
    return Math.pow(t, n);
  }

  @Override
  public double sigma(double t) {
    return 1 - t;
  }

  @Override
  public double dAlpha(double t) {
    return n * Math.pow(t, n - 1);
  }

  @Override
  public double dSigma(double t) {
    return -1;
  }
}
