package io.flowmatch.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.Test;

class EnergyDistanceTest {

  @Test
  void identicalSetsAreAtDistanceZero() {
    float[] x = Gaussians.sample(1, 500, new double[] {1, -2}, 0.7);
    assertEquals(0, EnergyDistance.between(x, 500, x.clone(), 500, 2), 1e-12);
    float[] y = Gaussians.sample(2, 300, new double[] {0, 0, 0, 0, 0}, 1);
    assertEquals(0, EnergyDistance.between(y, 300, y.clone(), 300, 5), 1e-12);
  }

  @Test
  void smallSetsByHand() {
    // X = {0}, Y = {1}: 2·1 − 0 − 0
    assertEquals(2, EnergyDistance.between(new float[] {0}, 1, new float[] {1}, 1, 1), 1e-15);
    // X = {0, 2}, Y = {1}: E|X−Y| = 1, E|X−X'| = (0 + 2 + 2 + 0)/4 = 1, E|Y−Y'| = 0
    assertEquals(1, EnergyDistance.between(new float[] {0, 2}, 2, new float[] {1}, 1, 1), 1e-15);
    // 2-D: X = {(0,0)}, Y = {(3,4)}: 2·5
    assertEquals(
        10, EnergyDistance.between(new float[] {0, 0}, 1, new float[] {3, 4}, 1, 2), 1e-12);
  }

  /**
   * N(0,1) vs N(δ,1) in 1-D: X − Y ~ N(−δ, 2), and E|Z| for Z ~ N(μ, σ²) is
   * σ·sqrt(2/π)·exp(−μ²/2σ²) + μ·(1 − 2Φ(−μ/σ)), so D² = 2·E|N(δ,2)| − 2·E|N(0,2)|.
   */
  @Test
  void shiftedGaussiansIn1dMatchTheClosedForm() {
    int n = 4000;
    for (double delta : new double[] {0.5, 1, 2}) {
      float[] x = Gaussians.sample(11, n, new double[] {0}, 1);
      float[] y = Gaussians.sample(12, n, new double[] {delta}, 1);
      double exact = 2 * meanAbsNormal(delta, Math.sqrt(2)) - 2 * meanAbsNormal(0, Math.sqrt(2));
      double measured = EnergyDistance.between(x, n, y, n, 1);
      assertEquals(exact, measured, 0.04 * exact, "delta " + delta);
    }
  }

  /**
   * In 2-D, |X − Y| for X ~ N(0, I), Y ~ N(δ, I) is Rice-distributed (ν = |δ|, σ² = 2), with mean
   * σ·sqrt(π/2)·L½(−ν²/2σ²); L½(x) = e^{x/2}[(1 − x) I₀(−x/2) − x I₁(−x/2)].
   */
  @Test
  void shiftedGaussiansIn2dMatchTheRiceMean() {
    int n = 3000;
    double delta = 1.5;
    float[] x = Gaussians.sample(21, n, new double[] {0, 0}, 1);
    float[] y = Gaussians.sample(22, n, new double[] {delta * 0.6, delta * 0.8}, 1);
    double exact = 2 * riceMean(delta, Math.sqrt(2)) - 2 * riceMean(0, Math.sqrt(2));
    double measured = EnergyDistance.between(x, n, y, n, 2);
    assertEquals(exact, measured, 0.06 * exact);
  }

  @Test
  void independentSamplesOfOneDistributionGiveASmallFloor() {
    int n = 2000;
    float[] x = Gaussians.sample(31, n, new double[] {0, 0}, 1);
    float[] y = Gaussians.sample(32, n, new double[] {0, 0}, 1);
    float[] shifted = Gaussians.sample(33, n, new double[] {0.5, 0}, 1);
    double floor = EnergyDistance.between(x, n, y, n, 2);
    double signal = EnergyDistance.between(shifted, n, y, n, 2);
    // the V-statistic's bias is about (E|X−X'| + E|Y−Y'|)/n = 2·sqrt(π)/n ≈ 0.0018
    assertTrue(floor > 0 && floor < 0.006, "floor " + floor);
    assertTrue(signal > 10 * floor, "signal " + signal + " vs floor " + floor);
  }

  @Test
  void oneReferenceScoresManySets() {
    float[] ref = Gaussians.sample(41, 700, new double[] {0, 0, 0}, 1);
    float[] a = Gaussians.sample(42, 400, new double[] {1, 0, 0}, 1);
    float[] b = Gaussians.sample(43, 500, new double[] {0, 0, 0}, 2);
    EnergyDistance e = EnergyDistance.of(ref, 700, 3);
    assertEquals(EnergyDistance.between(a, 400, ref, 700, 3), e.distanceTo(a, 400), 1e-12);
    assertEquals(EnergyDistance.between(b, 500, ref, 700, 3), e.distanceTo(b, 500), 1e-12);
  }

  @Test
  void badArgumentsAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EnergyDistance.between(new float[3], 2, new float[4], 2, 2));
    assertEquals("samples: 2 points of 2 values need 4 floats, the array holds 3", e.getMessage());
  }

  static double meanAbsNormal(double mu, double sigma) {
    double phi = 0.5 * (1 + Erf.erf(-mu / sigma / Math.sqrt(2)));
    return sigma * Math.sqrt(2 / Math.PI) * Math.exp(-mu * mu / (2 * sigma * sigma))
        + mu * (1 - 2 * phi);
  }

  static double riceMean(double nu, double sigma) {
    double x = -nu * nu / (2 * sigma * sigma);
    double laguerre = Math.exp(x / 2) * ((1 - x) * besselI(0, -x / 2) - x * besselI(1, -x / 2));
    return sigma * Math.sqrt(Math.PI / 2) * laguerre;
  }

  /** Modified Bessel function of the first kind by its power series (fine for small arguments). */
  static double besselI(int order, double z) {
    double sum = 0;
    double term = Math.pow(z / 2, order);
    for (int k = 1; k <= order; k++) {
      term /= k;
    }
    for (int k = 0; k < 60; k++) {
      sum += term;
      term *= (z / 2) * (z / 2) / ((k + 1.0) * (k + 1.0 + order));
    }
    return sum;
  }
}
