package io.flowmatch.training.data;

import java.util.SplittableRandom;

/**
 * Random numbers of one training step, derived from (seed, stream, step) alone. No generator state
 * crosses steps, so a checkpoint needs to store nothing but the step to resume the same stream.
 */
public final class StepRandom {
  private StepRandom() {}

  /** Stream of the noise samples x0. */
  public static final long NOISE = 1;

  /** Stream of the times t. */
  public static final long TIME = 2;

  /** Stream of the preview noise. */
  public static final long PREVIEW = 3;

  /** A generator for (seed, stream, step). */
  public static SplittableRandom of(long seed, long stream, long step) {
    return new SplittableRandom(mix(seed, stream, step));
  }

  /** Standard normal floats. */
  public static float[] gaussians(SplittableRandom rng, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i += 2) {
      double u = 1.0 - rng.nextDouble();
      double v = 2 * Math.PI * rng.nextDouble();
      double r = Math.sqrt(-2 * Math.log(u));
      out[i] = (float) (r * Math.cos(v));
      if (i + 1 < n) {
        out[i + 1] = (float) (r * Math.sin(v));
      }
    }
    return out;
  }

  /** SplitMix64 finaliser over the three values: well-spread seeds from neighbouring steps. */
  public static long mix(long seed, long stream, long step) {
    long z = seed * 0x9E3779B97F4A7C15L + stream * 0xC2B2AE3D27D4EB4FL + step * 0x165667B19E3779F9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
