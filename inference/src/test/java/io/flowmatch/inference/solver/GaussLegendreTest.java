package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.junit.jupiter.api.Test;

/** Known answers for the quadrature behind dpm2m's coefficients. */
class GaussLegendreTest {

  @Test
  void eightPointsIntegratePolynomialsOfDegree15Exactly() {
    // one panel already exact, so the second estimate agrees and it stops at once
    assertEquals(
        1.0 / 16, GaussLegendre.integrate(x -> Math.pow(x, 15), 0, 1, 1e-10, 1e-13), 1e-15);
    assertEquals(
        (Math.pow(3, 8) - 1) / 8,
        GaussLegendre.integrate(x -> Math.pow(x, 7), 1, 3, 1e-10, 1e-13),
        1e-9);
  }

  @Test
  void theOtIntegrandMatchesItsClosedForm() {
    // ∫_t^s τ/(1 − τ) dτ = −(s − t) − ln((1 − s)/(1 − t)): what dpm2m integrates on the OT path
    double[][] intervals = {{0, 0.125}, {0.5, 0.75}, {0.8, 0.99}, {0.9, 0.99999}};
    for (double[] ab : intervals) {
      double exact = -(ab[1] - ab[0]) - Math.log((1 - ab[1]) / (1 - ab[0]));
      double got = GaussLegendre.integrate(x -> x / (1 - x), ab[0], ab[1], 1e-10, 1e-13);
      assertEquals(exact, got, 1e-9 * Math.abs(exact), ab[0] + ".." + ab[1]);
    }
  }

  @Test
  void agreesWithCommonsMathsIterativeIntegratorToRoundOff() {
    // the scheme it replaces (same panels, same refinement): the same value up to round-off
    double[][] intervals = {{0, 0.3}, {0.3, 0.6}, {0.6, 0.95}, {0.95, 0.9999}};
    for (double[] ab : intervals) {
      double ss = 1 - ab[1];
      double mine = GaussLegendre.integrate(x -> ss * x / (1 - x), ab[0], ab[1], 1e-10, 1e-13);
      double theirs =
          new IterativeLegendreGaussIntegrator(8, 1e-10, 1e-13, 1, 64)
              .integrate(Integer.MAX_VALUE, x -> ss * x / (1 - x), ab[0], ab[1]);
      assertEquals(theirs, mine, 1e-14 * Math.max(1, Math.abs(theirs)), ab[0] + ".." + ab[1]);
    }
  }

  @Test
  void aDivergentIntegrandFailsInsteadOfLooping() {
    assertThrows(
        IllegalStateException.class,
        () -> GaussLegendre.integrate(x -> 1 / Math.sqrt(x) + Math.sin(1e6 * x), 0, 1, 1e-15, 0));
  }
}
