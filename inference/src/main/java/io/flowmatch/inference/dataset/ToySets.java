package io.flowmatch.inference.dataset;

import java.util.SplittableRandom;

/**
 * The classic 2-D sets. Their shapes follow the usual definitions (scikit-learn's moons and
 * circles, the 8 Gaussians, checkerboard and two spirals of the continuous-normalising-flow
 * papers), scaled to lie within about ±4. Each is registered by name in {@link DatasetRegistry}.
 */
final class ToySets {
  private ToySets() {}

  /** Box–Muller: one standard normal from two uniforms of the stream. */
  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  static void moons(SplittableRandom rng, double[] xy) {
    double a = Math.PI * rng.nextDouble();
    boolean upper = rng.nextBoolean();
    double x = upper ? Math.cos(a) : 1 - Math.cos(a);
    double y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
    // centre on the origin, scale to about ±3
    xy[0] = 2 * (x - 0.5) + 0.1 * gaussian(rng);
    xy[1] = 2 * (y - 0.25) + 0.1 * gaussian(rng);
  }

  static void eightGaussians(SplittableRandom rng, double[] xy) {
    int k = rng.nextInt(8);
    double a = k * Math.PI / 4;
    double r = 2 * Math.sqrt(2);
    xy[0] = r * Math.cos(a) + 0.35 * gaussian(rng);
    xy[1] = r * Math.sin(a) + 0.35 * gaussian(rng);
  }

  static void checkerboard(SplittableRandom rng, double[] xy) {
    double x = 4 * rng.nextDouble() - 2;
    double y = rng.nextDouble() - 2 * rng.nextInt(2) + Math.floorMod((int) Math.floor(x), 2);
    xy[0] = 2 * x;
    xy[1] = 2 * y;
  }

  static void spirals(SplittableRandom rng, double[] xy) {
    double n = Math.sqrt(rng.nextDouble()) * 3 * Math.PI;
    double x = -Math.cos(n) * n + 0.5 * rng.nextDouble();
    double y = Math.sin(n) * n + 0.5 * rng.nextDouble();
    double sign = rng.nextBoolean() ? 1 : -1;
    xy[0] = sign * x / 3 + 0.1 * gaussian(rng);
    xy[1] = sign * y / 3 + 0.1 * gaussian(rng);
  }

  static void circles(SplittableRandom rng, double[] xy) {
    double a = 2 * Math.PI * rng.nextDouble();
    double r = rng.nextBoolean() ? 3.0 : 1.5;
    xy[0] = r * Math.cos(a) + 0.08 * 3 * gaussian(rng);
    xy[1] = r * Math.sin(a) + 0.08 * 3 * gaussian(rng);
  }
}
