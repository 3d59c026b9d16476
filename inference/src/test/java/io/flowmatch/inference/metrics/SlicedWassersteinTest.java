package io.flowmatch.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {

  @Test
  void quantileIntegralOfSetsOfDifferentSizes() {
    // A: 0 on [0,½), 1 on [½,1); B: 0 on [0,⅔), 3 on [⅔,1): (1−0)²·⅙ + (1−3)²·⅓ = 1.5
    assertEquals(
        1.5, SlicedWasserstein.squaredW2(new double[] {0, 1}, new double[] {0, 0, 3}), 1e-15);
    // equal sizes: the mean squared difference of the sorted values
    assertEquals(
        (1 + 4 + 9) / 3.0,
        SlicedWasserstein.squaredW2(new double[] {0, 1, 2}, new double[] {1, 3, 5}),
        1e-15);
  }

  @Test
  void identicalSetsAreAtDistanceZero() {
    float[] x = Gaussians.sample(1, 800, new double[] {2, 1}, 0.5);
    assertEquals(0, SlicedWasserstein.between(x, 800, x.clone(), 800, 2), 0);
    float[] y = Gaussians.sample(2, 400, new double[] {0, 0, 0, 0}, 1);
    assertEquals(0, SlicedWasserstein.between(y, 400, y.clone(), 400, 4), 0);
  }

  /** Evenly spaced angles average cos² exactly: a shift δ of the same points gives |δ|/√2. */
  @Test
  void shiftedCopyIn2dIsAtDeltaOverRootTwo() {
    int n = 1000;
    float[] x = Gaussians.sample(3, n, new double[] {0, 0}, 1);
    float[] y = new float[x.length];
    double dx = 0.3;
    double dy = -1.2;
    for (int i = 0; i < n; i++) {
      y[2 * i] = (float) (x[2 * i] + dx);
      y[2 * i + 1] = (float) (x[2 * i + 1] + dy);
    }
    double exact = Math.hypot(dx, dy) / Math.sqrt(2);
    for (int directions : new int[] {2, 7, 128}) {
      assertEquals(
          exact,
          SlicedWasserstein.of(y, n, 2, directions).distanceTo(x, n),
          1e-5,
          directions + " directions");
    }
  }

  /** N(0, I) vs N(0, s² I): every projection is N(0,1) vs N(0,s²), whose W₂ is |1 − s|. */
  @Test
  void scaledGaussiansMatchTheClosedForm() {
    int n = 5000;
    float[] x = Gaussians.sample(4, n, new double[] {0, 0, 0}, 1);
    float[] y = Gaussians.sample(5, n, new double[] {0, 0, 0}, 2);
    assertEquals(1.0, SlicedWasserstein.between(x, n, y, n, 3), 0.02);
    float[] z = Gaussians.sample(6, n, new double[] {0, 0}, 1);
    float[] w = Gaussians.sample(7, n, new double[] {0, 0}, 1);
    double floor = SlicedWasserstein.between(z, n, w, n, 2);
    assertTrue(floor < 0.05, "floor " + floor);
  }

  @Test
  void directionsAreUnitVectors() {
    for (int dim : new int[] {1, 2, 3, 10}) {
      for (double[] d : SlicedWasserstein.directions(dim, 16)) {
        double norm = 0;
        for (double v : d) {
          norm += v * v;
        }
        assertEquals(1, norm, 1e-12);
      }
    }
  }
}
