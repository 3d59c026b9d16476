package io.flowmatch.inference.io;

/**
 * IEEE 754 binary16 conversions (Java 17 has no {@code Float.floatToFloat16}).
 *
 * <p>Rounding is to nearest, ties to even; overflow gives ±Inf; NaN stays NaN.
 */
public final class Float16 {
  private Float16() {}

  /** Largest finite half value. */
  public static final float MAX_VALUE = 65504f;

  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) { // Inf or NaN
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) { // overflow
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // subnormal half or zero
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000; // implicit leading one
      int shift = 14 - e;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rem > halfway || (rem == halfway && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++; // may carry into the exponent, which is still correct (up to Inf)
    }
    return (short) (sign | half);
  }

  public static float toFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // subnormal: value = mant · 2^-24
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** Rounds a float to the nearest half-representable float. */
  public static float round(float f) {
    return toFloat(fromFloat(f));
  }
}
