package io.flowmatch.inference.sampling;

import java.math.BigDecimal;
import java.util.Locale;

/** Short renderings of numbers for messages and summaries. */
public final class Numbers {
  private Numbers() {}

  /** At most 6 significant digits, no trailing zeros: 0.5, 1, 0.333333, 1e-06. */
  public static String compact(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = String.format(Locale.ROOT, "%.6g", v);
    if (s.contains("e")) {
      String mantissa = s.substring(0, s.indexOf('e'));
      String exponent = s.substring(s.indexOf('e'));
      return stripZeros(mantissa) + exponent;
    }
    return stripZeros(s);
  }

  /**
   * {@code digits} significant digits, e.g. sig(0.0123456, 3) = 0.0123, sig(1.5e-7, 2) = 1.5e-07.
   */
  public static String sig(double v, int digits) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    return String.format(Locale.ROOT, "%." + digits + "g", v);
  }

  /** A fixed number of decimals. */
  public static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  private static String stripZeros(String s) {
    if (!s.contains(".")) {
      return s;
    }
    return new BigDecimal(s).stripTrailingZeros().toPlainString();
  }
}
