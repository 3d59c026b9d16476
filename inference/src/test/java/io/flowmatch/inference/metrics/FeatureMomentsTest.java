package io.flowmatch.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FeatureMomentsTest {

  @Test
  void knownMeanAndCovariance() {
    // points (1,2), (3,4), (5,0): mean (3,2); var x = (4+0+4)/2, var y = (0+4+4)/2, cov = (0+0-4)/2
    GaussianStats s = new FeatureMoments(2).add(new float[] {1, 2, 3, 4, 5, 0}, 3).stats();
    assertArrayEquals(new double[] {3, 2}, s.mean(), 0);
    assertArrayEquals(new double[] {4, -2}, s.covariance()[0], 1e-15);
    assertArrayEquals(new double[] {-2, 4}, s.covariance()[1], 1e-15);
    assertEquals(3, s.count());
  }

  @Test
  void mergedPartsEqualTheWholeAndTheTwoPassFit() {
    int n = 1000;
    int d = 5;
    float[] x = new float[n * d];
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (3 + 2 * random.nextGaussian());
    }
    FeatureMoments whole = new FeatureMoments(d).add(x, n);
    float[] head = java.util.Arrays.copyOfRange(x, 0, 300 * d);
    float[] tail = java.util.Arrays.copyOfRange(x, 300 * d, n * d);
    FeatureMoments merged =
        new FeatureMoments(d).add(tail, n - 300).merge(new FeatureMoments(d).add(head, 300));
    assertEquals(n, merged.count());
    GaussianStats fit = GaussianStats.fit(x, n, d);
    for (GaussianStats s : new GaussianStats[] {whole.stats(), merged.stats()}) {
      assertArrayEquals(fit.mean(), s.mean(), 1e-12);
      for (int a = 0; a < d; a++) {
        assertArrayEquals(fit.covariance()[a], s.covariance()[a], 1e-11);
      }
    }
    assertEquals(0, FrechetDistance.between(fit, merged.stats()), 1e-9);
  }

  @Test
  void refusesMismatchesAndTooFewPoints() {
    assertThrows(
        IllegalArgumentException.class, () -> new FeatureMoments(2).merge(new FeatureMoments(3)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new FeatureMoments(2).add(new float[] {1, 2}, 1).stats());
    assertThrows(
        IllegalArgumentException.class, () -> new FeatureMoments(2).add(new float[] {1, 2, 3}, 2));
  }
}
