package io.flowmatch.inference.likelihood;

/**
 * Bits per dimension of discrete data under a continuous density, with uniform dequantisation.
 *
 * <p>8-bit data k ∈ {0, …, 255}^D is dequantised to x = lo + (k + u)·w, u ~ U[0, 1)^D, with bin
 * width w = (hi − lo)/256 on the data range [lo, hi]. The discrete model P(k) = ∫_bin p(x) dx
 * satisfies log P(k) ≥ E_u[log p(x)] + D·log w (Jensen), so
 *
 * <pre>  bpd = (−log p(x) − D·ln w) / (D·ln 2) = NLL/(D·ln 2) − log₂ w,</pre>
 *
 * an upper bound on the discrete model's code length, averaged over data and noise u. For [−1, 1]:
 * w = 2/256 = 1/128 and bpd = NLL/(D·ln 2) + log₂ 128 = NLL/(D·ln 2) + 7.
 */
public final class BitsPerDim {
  /** Levels of 8-bit data. */
  public static final int LEVELS = 256;

  private BitsPerDim() {}

  /** log₂ of 1/w for 8-bit data on [lo, hi]: 7 for [−1, 1]. */
  public static double offset(double lo, double hi) {
    return -Math.log((hi - lo) / LEVELS) / Math.log(2);
  }

  /** Bits per dimension of a negative log-likelihood in nats. */
  public static double of(double nll, int dimensions, double lo, double hi) {
    return nll / (dimensions * Math.log(2)) + offset(lo, hi);
  }

  /**
   * Dequantises 8-bit pixels onto [lo, hi]: x = lo + (k + u)·(hi − lo)/256.
   *
   * @param pixels values 0..255
   * @param uniforms one U[0, 1) value per pixel
   */
  public static void dequantize(
      int[] pixels, double[] uniforms, double lo, double hi, float[] out, int offset) {
    double w = (hi - lo) / LEVELS;
    for (int i = 0; i < pixels.length; i++) {
      out[offset + i] = (float) (lo + (pixels[i] + uniforms[i]) * w);
    }
  }

  /**
   * Dequantises in place data that holds 8-bit pixels scaled onto [lo, hi] as lo + k·(hi − lo)/255
   * (how flowmatch reads images): recovers k and writes lo + (k + u)·(hi − lo)/256 with u uniform
   * from {@code seed}.
   */
  public static void dequantizeScaled(float[] data, double lo, double hi, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
    double w = (hi - lo) / LEVELS;
    for (int i = 0; i < data.length; i++) {
      long k = Math.round((data[i] - lo) / (hi - lo) * (LEVELS - 1));
      data[i] = (float) (lo + (k + random.nextDouble()) * w);
    }
  }
}
