package io.flowmatch.inference.compare;

import io.flowmatch.inference.format.Numbers;

/** Renderings of numbers for tables and files: the same text in the table, CSV and HTML. */
final class Cells {
  private Cells() {}

  /** NFE: an integer when whole, else one decimal; "-" for NaN. */
  static String nfe(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return v == Math.rint(v) ? Long.toString((long) v) : Numbers.fixed(v, 1);
  }

  /** Three significant digits in scientific notation: 3.21e-05, 1.00e-02; "-" for NaN. */
  static String sci(double v) {
    return Numbers.orDash(v, Numbers.sci(v, 3));
  }

  /** A fixed number of decimals; "-" for NaN. */
  static String fixed(double v, int decimals) {
    return Numbers.orDash(v, Numbers.fixed(v, decimals));
  }

  /** Enough digits to read a number back exactly; empty for NaN (CSV convention). */
  static String exact(double v) {
    return Double.isNaN(v) ? "" : Numbers.exact(v);
  }

  /** A rate with three significant digits or more for large values: 0.123, 45.6, 12345. */
  static String rate(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v >= 100) {
      return Numbers.fixed(v, 0);
    }
    return Numbers.sig(v, 3);
  }
}
