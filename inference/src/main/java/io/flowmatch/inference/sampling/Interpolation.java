package io.flowmatch.inference.sampling;

/**
 * Interpolation between two codes (flattened noise vectors), in double precision.
 *
 * <p>Spherical interpolation (slerp) keeps the norm of Gaussian codes typical: the midpoint of a
 * straight line between two independent N(0, I) codes has only about 1/√2 of their norm, so it
 * decodes to an atypical, often blurry sample.
 */
public final class Interpolation {
  private Interpolation() {}

  /** The angle in radians between the vectors a[ao..ao+n) and b[bo..bo+n). */
  public static double angle(float[] a, int ao, float[] b, int bo, int n) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < n; i++) {
      dot += (double) a[ao + i] * b[bo + i];
      na += (double) a[ao + i] * a[ao + i];
      nb += (double) b[bo + i] * b[bo + i];
    }
    if (na == 0 || nb == 0) {
      return 0;
    }
    return Math.acos(Math.max(-1, Math.min(1, dot / Math.sqrt(na * nb))));
  }

  /** out = (1 − α)·a + α·b. */
  public static void lerp(
      float[] a, int ao, float[] b, int bo, int n, double alpha, float[] out, int oo) {
    for (int i = 0; i < n; i++) {
      out[oo + i] = (float) ((1 - alpha) * a[ao + i] + alpha * b[bo + i]);
    }
  }

  /**
   * out = sin((1 − α)θ)/sin θ · a + sin(αθ)/sin θ · b with θ the angle between a and b; linear when
   * θ is too small for the division (nearly parallel codes).
   */
  public static void slerp(
      float[] a, int ao, float[] b, int bo, int n, double alpha, float[] out, int oo) {
    double theta = angle(a, ao, b, bo, n);
    double s = Math.sin(theta);
    if (s < 1e-6) {
      lerp(a, ao, b, bo, n, alpha, out, oo);
      return;
    }
    double wa = Math.sin((1 - alpha) * theta) / s;
    double wb = Math.sin(alpha * theta) / s;
    for (int i = 0; i < n; i++) {
      out[oo + i] = (float) (wa * a[ao + i] + wb * b[bo + i]);
    }
  }

  /**
   * Fills {@code out} with {@code frames} codes in equal steps from the code at {@code codes[0,
   * size)} to the one at {@code codes[size, 2·size)}, both ends included: on a straight line
   * ({@code linear}) or on the great circle.
   */
  public static void frames(float[] codes, int size, int frames, boolean linear, float[] out) {
    for (int k = 0; k < frames; k++) {
      double alpha = (double) k / (frames - 1);
      if (linear) {
        lerp(codes, 0, codes, size, size, alpha, out, k * size);
      } else {
        slerp(codes, 0, codes, size, size, alpha, out, k * size);
      }
    }
  }
}
