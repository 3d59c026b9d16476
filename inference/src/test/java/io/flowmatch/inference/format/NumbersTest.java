package io.flowmatch.inference.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Known renderings of the one number formatter (the texts the tables, messages and files pin). */
class NumbersTest {
  @Test
  void compactDropsTrailingZerosAndWritesWholeNumbersAsIntegers() {
    assertEquals("0.5", Numbers.compact(0.5));
    assertEquals("0.333333", Numbers.compact(1.0 / 3));
    assertEquals("1e-06", Numbers.compact(1e-6));
    assertEquals("10000", Numbers.compact(1e4, 4));
    assertEquals("0.43", Numbers.compact(0.43, 4));
    assertEquals("1.235e+05", Numbers.compact(123456.7, 4));
    assertEquals("-10.5", Numbers.compact(-10.5, 4));
    assertEquals("0.0001", Numbers.compact(1e-4 + 1e-12, 4));
    assertEquals("NaN", Numbers.compact(Double.NaN, 4));
    assertEquals("Infinity", Numbers.compact(Double.POSITIVE_INFINITY));
  }

  @Test
  void fixedSigSciAndTrimmed() {
    assertEquals("2.50", Numbers.fixed(2.5, 2));
    assertEquals("3", Numbers.fixed(2.5000001, 0));
    assertEquals("0.0123", Numbers.sig(0.0123456, 3));
    assertEquals("1.5e-07", Numbers.sig(1.5e-7, 2));
    assertEquals("3.21e-05", Numbers.sci(3.2109e-5, 3));
    assertEquals("1.000e-02", Numbers.sci(0.01, 4));
    assertEquals("1.5", Numbers.trimmed(1.50, 2));
    assertEquals("10", Numbers.trimmed(10.001, 2));
    assertEquals("0", Numbers.trimmed(-0.001, 2));
    assertEquals("2.828427", Numbers.trimmed(Math.sqrt(8), 6));
    assertEquals("0.1", Numbers.exact(0.1));
    assertEquals("-", Numbers.orDash(Double.NaN, "x"));
    assertEquals("x", Numbers.orDash(1, "x"));
  }
}
