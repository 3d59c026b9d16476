package io.flowmatch.inference.format;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The one number formatter of flowmatch: every figure in messages, summaries, tables, CSV and
 * reports is written by one of these methods, in {@code Locale.ROOT} (a decimal point whatever the
 * locale).
 */
public final class Numbers {
  private Numbers() {}

  /** At most 6 significant digits, no trailing zeros: 0.5, 1, 0.333333, 1e-06. */
  public static String compact(double v) {
    return compact(v, 6);
  }

  /**
   * At most {@code digits} significant digits, no trailing zeros, whole numbers as integers:
   * compact(0.43, 4) = 0.43, compact(1e-6, 4) = 1e-06, compact(10000, 4) = 10000.
   */
  public static String compact(double v, int digits) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = sig(v, digits);
    int e = s.indexOf('e');
    if (e >= 0) {
      return stripZeros(s.substring(0, e)) + s.substring(e);
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

  /** A fixed number of decimals: fixed(2.345, 2) = 2.35 (half-up, as {@code %f}). */
  public static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** At most {@code decimals} decimals, no trailing zeros, never "-0": trimmed(1.50, 2) = 1.5. */
  public static String trimmed(double v, int decimals) {
    String s = stripZeros(fixed(v, decimals));
    return s.equals("-0") ? "0" : s;
  }

  /**
   * Scientific notation with {@code digits} significant digits: sci(3.2109e-5, 3) = 3.21e-05,
   * sci(0.01, 3) = 1.00e-02.
   */
  public static String sci(double v, int digits) {
    return String.format(Locale.ROOT, "%." + (digits - 1) + "e", v);
  }

  /** Enough digits to read the number back exactly (Java's shortest round-trip form). */
  public static String exact(double v) {
    return Double.toString(v);
  }

  /** "-" for NaN (a value not measured), else {@code text}: the tables' convention. */
  public static String orDash(double v, String text) {
    return Double.isNaN(v) ? "-" : text;
  }

  private static String stripZeros(String s) {
    if (!s.contains(".")) {
      return s;
    }
    return new BigDecimal(s).stripTrailingZeros().toPlainString();
  }
}
