package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Map;

/** The polynomial path {@code α_t = tⁿ}, {@code σ_t = 1 − t}; n = 1 is the OT path. */
public final class PolynomialPath implements AffinePath {
  private final double exponent;

  public PolynomialPath(double exponent) {
    if (!(exponent > 0) || Double.isInfinite(exponent)) {
      throw FlowmatchException.invalidArgument(
          "polynomial path exponent n must be > 0, got " + exponent);
    }
    this.exponent = exponent;
  }

  @Override
  public String name() {
    return "polynomial";
  }

  @Override
  public Map<String, Double> params() {
    return Map.of("n", exponent);
  }

  @Override
  public double alpha(double t) {
    return Math.pow(t, exponent);
  }

  @Override
  public double sigma(double t) {
    return 1 - t;
  }

  @Override
  public double dAlpha(double t) {
    return exponent * Math.pow(t, exponent - 1);
  }

  @Override
  public double dSigma(double t) {
    return -1;
  }
}
