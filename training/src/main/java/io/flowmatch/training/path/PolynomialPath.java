package io.flowmatch.training.path;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.Map;

/** The polynomial path {@code α_t = tⁿ}, {@code σ_t = 1 − t}; n = 1 is the OT path. */
public final class PolynomialPath extends ScheduledPath {
  private final double exponent;

  public PolynomialPath(double exponent) {
    super(AffineSchedule.polynomial(checked(exponent)));
    this.exponent = exponent;
  }

  private static double checked(double exponent) {
    if (!(exponent > 0) || Double.isInfinite(exponent)) {
      throw FlowmatchException.invalidArgument(
          "polynomial path exponent n must be > 0, got " + exponent);
    }
    return exponent;
  }

  @Override
  public Map<String, Double> params() {
    return Map.of("n", exponent);
  }
}
