package io.flowmatch.inference.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

  @Test
  void sampleValuesDoNotDependOnHowTheyAreBatched() {
    GaussianNoise noise = new GaussianNoise(42);
    int size = 5; // odd: the last Box–Muller pair is cut
    float[] all = new float[10 * size];
    noise.fill(0, 10, size, all);
    float[] part = new float[4 * size];
    noise.fill(3, 4, size, part);
    for (int i = 0; i < part.length; i++) {
      assertEquals(all[3 * size + i], part[i]);
    }
    float[] again = new float[10 * size];
    new GaussianNoise(42).fill(0, 10, size, again);
    assertArrayEquals(all, again);
    float[] other = new float[10 * size];
    new GaussianNoise(43).fill(0, 10, size, other);
    assertFalse(java.util.Arrays.equals(all, other));
  }

  /** Pinned values: a change here changes every seeded sample users have made. */
  @Test
  void valuesArePinned() {
    float[] x = new float[4];
    new GaussianNoise(0).fill(0, 2, 2, x);
    assertArrayEquals(new float[] {0.5015642f, -1.0418451f, -0.68725574f, -0.9175263f}, x);
  }

  @Test
  void momentsAndTailsOfAStandardNormal() {
    int n = 200_000;
    float[] x = new float[n];
    new GaussianNoise(1).fill(0, n / 4, 4, x);
    double m1 = 0;
    double m2 = 0;
    double m3 = 0;
    double m4 = 0;
    int beyond2 = 0;
    for (float v : x) {
      m1 += v;
      m2 += v * v;
      m3 += v * v * v;
      m4 += (double) v * v * v * v;
      if (Math.abs(v) > 2) {
        beyond2++;
      }
    }
    m1 /= n;
    m2 /= n;
    m3 /= n;
    m4 /= n;
    // standard errors at n = 2e5: mean 0.0022, E[x²] 0.0032, E[x³] 0.0055, E[x⁴] 0.024
    assertEquals(0, m1, 0.012);
    assertEquals(1, m2, 0.016);
    assertEquals(0, m3, 0.03);
    assertEquals(3, m4, 0.12);
    // P(|x| > 2) = 0.0455, standard error 0.00047
    assertEquals(0.0455, (double) beyond2 / n, 0.0025);
  }

  @Test
  void neighbouringSamplesAreUncorrelated() {
    int n = 100_000;
    float[] x = new float[n];
    new GaussianNoise(5).fill(0, n, 1, x); // one value per sample: each from its own stream
    double c = 0;
    for (int i = 1; i < n; i++) {
      c += x[i] * x[i - 1];
    }
    c /= n - 1;
    assertTrue(Math.abs(c) < 0.015, "lag-1 correlation " + c);
  }
}
