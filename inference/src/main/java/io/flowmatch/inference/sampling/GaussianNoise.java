package io.flowmatch.inference.sampling;

/**
 * Seeded standard-normal noise in which sample {@code i} always gets the same values, whatever the
 * batch it is drawn in: each sample has its own SplitMix64 stream seeded from (seed, i), and
 * Box–Muller turns pairs of uniforms into pairs of normals.
 *
 * <p>Only {@link StrictMath} is used, so the values are bit-identical on every JVM and CPU.
 */
public final class GaussianNoise implements NoiseSource {
  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
  private final long seed;

  public GaussianNoise(long seed) {
    this.seed = seed;
  }

  @Override
  public void fill(long firstSample, int count, int sampleSize, float[] out) {
    for (int s = 0; s < count; s++) {
      fillSample(firstSample + s, sampleSize, out, s * sampleSize);
    }
  }

  private void fillSample(long index, int size, float[] out, int offset) {
    // a per-sample starting state: two rounds of mixing decorrelate neighbouring indices and seeds
    long state = mix64(mix64(seed) ^ mix64(index * GOLDEN_GAMMA + 0x632be59bd9b4e019L));
    for (int k = 0; k < size; k += 2) {
      state += GOLDEN_GAMMA;
      double u1 = toUnitOpenBelow(mix64(state)); // (0, 1]: log stays finite
      state += GOLDEN_GAMMA;
      double u2 = toUnit(mix64(state)); // [0, 1)
      double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
      double angle = 2.0 * StrictMath.PI * u2;
      out[offset + k] = (float) (r * StrictMath.cos(angle));
      if (k + 1 < size) {
        out[offset + k + 1] = (float) (r * StrictMath.sin(angle));
      }
    }
  }

  /** SplitMix64's output function (Steele, Lea and Flood 2014). */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static double toUnit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }

  private static double toUnitOpenBelow(long bits) {
    return ((bits >>> 11) + 1) * 0x1.0p-53;
  }
}
