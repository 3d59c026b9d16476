package io.flowmatch.inference.dataset;

import io.flowmatch.inference.field.GaussianMixture;
import java.util.SplittableRandom;

/**
 * The data that generated samples are scored against, in two independent parts: the {@code
 * reference} set that the metric compares with, and a {@code floor} set of as many data samples as
 * are being scored, whose own score is the floor that sampling noise alone reaches.
 *
 * @param reference referenceCount samples, row-major
 * @param floor floorCount samples, row-major, independent of the reference
 * @param sampleSize floats per sample
 * @param referenceDescription what the reference is, e.g. {@code 2000 fresh gmm8 samples}
 * @param floorDescription what the floor set is, e.g. {@code 2000 other fresh gmm8 samples}
 */
public record ReferenceData(
    float[] reference,
    int referenceCount,
    float[] floor,
    int floorCount,
    int sampleSize,
    String referenceDescription,
    String floorDescription) {

  /**
   * Fresh draws of a mixture: {@code m} for the reference and {@code n} for the floor, from two
   * seeded streams derived from {@code seed} (so they are independent of each other and of the
   * noise that seed gives the solvers).
   */
  public static ReferenceData ofMixture(
      GaussianMixture mixture, String name, int m, int n, long seed) {
    int d = mixture.dimension();
    float[] reference = draw(mixture, m, new SplittableRandom(streamSeed(seed, 1)));
    float[] floor = draw(mixture, n, new SplittableRandom(streamSeed(seed, 2)));
    return new ReferenceData(
        reference,
        m,
        floor,
        n,
        d,
        m + " fresh " + name + " samples",
        n + " other fresh " + name + " samples");
  }

  /**
   * Fresh draws of a 2-D set of {@link DatasetRegistry}: {@code m} for the reference and {@code n}
   * for the floor, from two streams of {@code seed} as in {@link #ofMixture}.
   */
  public static ReferenceData ofToy(String name, int m, int n, long seed) {
    float[] reference = DatasetRegistry.drawToy(name, m, new SplittableRandom(streamSeed(seed, 1)));
    float[] floor = DatasetRegistry.drawToy(name, n, new SplittableRandom(streamSeed(seed, 2)));
    return new ReferenceData(
        reference,
        m,
        floor,
        n,
        2,
        m + " fresh " + name + " samples",
        n + " other fresh " + name + " samples");
  }

  /** A seed for stream k of a run's seed: SplitMix64's mixer of seed + k·golden gamma. */
  static long streamSeed(long seed, int stream) {
    long z = seed + stream * 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static float[] draw(GaussianMixture mixture, int count, SplittableRandom random) {
    int d = mixture.dimension();
    float[] out = new float[Math.multiplyExact(count, d)];
    double[] point = new double[d];
    for (int i = 0; i < count; i++) {
      mixture.sample(random, point);
      for (int k = 0; k < d; k++) {
        out[i * d + k] = (float) point[k];
      }
    }
    return out;
  }
}
