package io.flowmatch.inference.metrics;

import java.util.SplittableRandom;

/** Seeded Gaussian point sets for metric tests. */
final class Gaussians {
  private Gaussians() {}

  /** n points of N(mean, std² I), row-major. */
  static float[] sample(long seed, int n, double[] mean, double std) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = mean.length;
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        x[i * d + k] = (float) (mean[k] + std * gaussian(r));
      }
    }
    return x;
  }

  static double gaussian(SplittableRandom r) {
    double u1 = 1.0 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
