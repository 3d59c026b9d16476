package io.flowmatch.inference.plot;

/**
 * A closed interval [lo, hi] of data values, e.g. the {@code flowmatch.data_range} of a model
 * ({@code -1,1} for images scaled to [-1, 1]).
 */
public record ValueRange(double lo, double hi) {

  /** Images of flow-matching models are usually scaled to [-1, 1]. */
  public static final ValueRange DEFAULT_IMAGE = new ValueRange(-1, 1);

  public ValueRange {
    if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
      throw new IllegalArgumentException("a range needs finite lo < hi, got " + lo + "," + hi);
    }
  }

  /**
   * Parses {@code lo,hi}.
   *
   * @throws IllegalArgumentException with a one-line message naming the text
   */
  public static ValueRange parse(String text) {
    String[] parts = text.split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "expected a range 'lo,hi' such as -1,1, got '" + text + "'");
    }
    double lo;
    double hi;
    try {
      lo = Double.parseDouble(parts[0].trim());
      hi = Double.parseDouble(parts[1].trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "expected a range 'lo,hi' such as -1,1, got '" + text + "'");
    }
    if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo < hi)) {
      throw new IllegalArgumentException(
          "expected a range 'lo,hi' with finite lo < hi, got '" + text + "'");
    }
    return new ValueRange(lo, hi);
  }

  /** Maps v to a byte 0..255: lo → 0, hi → 255, clipped; NaN → 0. */
  public int toByte(float v) {
    double u = (v - lo) / (hi - lo) * 255.0;
    if (!(u > 0)) {
      return 0; // also NaN
    }
    return u >= 255 ? 255 : (int) Math.round(u);
  }
}
