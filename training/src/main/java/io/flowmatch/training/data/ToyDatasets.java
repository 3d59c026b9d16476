package io.flowmatch.training.data;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The classic 2-D test distributions, generated from a seed: every point lies within [-4, 4]².
 * Their shapes follow the usual definitions (scikit-learn's moons and circles, the 8 Gaussians,
 * checkerboard and two spirals of the continuous-normalising-flow papers).
 */
public final class ToyDatasets {
  private ToyDatasets() {}

  /** Names of the 2-D sets. */
  public static final List<String> NAMES =
      List.of("moons", "8gaussians", "checkerboard", "spirals", "circles");

  /** Points generated per set: large enough that a training run rarely repeats an epoch early. */
  public static final int DEFAULT_SIZE = 100_000;

  /** Bounds of every 2-D set. */
  public static final double[] RANGE = {-4, 4};

  /** Generates {@code count} points of the named set. */
  public static TrainingData generate(String name, int count, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] xy = new float[2 * count];
    for (int i = 0; i < count; i++) {
      double[] p = point(name, rng);
      xy[2 * i] = (float) clamp(p[0]);
      xy[2 * i + 1] = (float) clamp(p[1]);
    }
    return new PointData(name, xy, 2, RANGE);
  }

  private static double clamp(double v) {
    return Math.max(RANGE[0], Math.min(RANGE[1], v));
  }

  private static double gaussian(SplittableRandom rng) {
    // Box–Muller: SplittableRandom has no nextGaussian in Java 17's interface contract we rely on
    double u = 1.0 - rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double[] point(String name, SplittableRandom rng) {
    switch (name) {
      case "moons":
        {
          double a = Math.PI * rng.nextDouble();
          boolean upper = rng.nextBoolean();
          double x = upper ? Math.cos(a) : 1 - Math.cos(a);
          double y = upper ? Math.sin(a) : 0.5 - Math.sin(a);
          // centre on the origin, scale to about ±3
          return new double[] {
            2 * (x - 0.5) + 0.1 * gaussian(rng), 2 * (y - 0.25) + 0.1 * gaussian(rng)
          };
        }
      case "8gaussians":
        {
          int k = rng.nextInt(8);
          double a = k * Math.PI / 4;
          double r = 2 * Math.sqrt(2);
          return new double[] {
            r * Math.cos(a) + 0.35 * gaussian(rng), r * Math.sin(a) + 0.35 * gaussian(rng)
          };
        }
      case "checkerboard":
        {
          double x = 4 * rng.nextDouble() - 2;
          double y = rng.nextDouble() - 2 * rng.nextInt(2) + Math.floorMod((int) Math.floor(x), 2);
          return new double[] {2 * x, 2 * y};
        }
      case "spirals":
        {
          double n = Math.sqrt(rng.nextDouble()) * 3 * Math.PI;
          double x = -Math.cos(n) * n + 0.5 * rng.nextDouble();
          double y = Math.sin(n) * n + 0.5 * rng.nextDouble();
          double sign = rng.nextBoolean() ? 1 : -1;
          return new double[] {
            sign * x / 3 + 0.1 * gaussian(rng), sign * y / 3 + 0.1 * gaussian(rng)
          };
        }
      case "circles":
        {
          double a = 2 * Math.PI * rng.nextDouble();
          double r = rng.nextBoolean() ? 3.0 : 1.5;
          return new double[] {
            r * Math.cos(a) + 0.08 * 3 * gaussian(rng), r * Math.sin(a) + 0.08 * 3 * gaussian(rng)
          };
        }
      default:
        throw FlowmatchException.invalidArgument(
            "unknown 2-D data set '" + name + "', expected one of " + String.join(", ", NAMES));
    }
  }
}
