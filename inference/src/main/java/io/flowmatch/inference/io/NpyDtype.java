package io.flowmatch.inference.io;

import java.nio.ByteOrder;

/**
 * The element types flowmatch reads from {@code .npy} files; all are converted to float32 in
 * memory. NumPy spells them {@code <f2}, {@code <f4}, {@code <f8} (little-endian) or with {@code >}
 * (big-endian).
 */
public enum NpyDtype {
  FLOAT16(2, "f2", "float16"),
  FLOAT32(4, "f4", "float32"),
  FLOAT64(8, "f8", "float64");

  private final int size;
  private final String code;
  private final String displayName;

  NpyDtype(int size, String code, String displayName) {
    this.size = size;
    this.code = code;
    this.displayName = displayName;
  }

  /** Bytes per element. */
  public int size() {
    return size;
  }

  /** NumPy's name, e.g. {@code float32}. */
  public String displayName() {
    return displayName;
  }

  /** The little-endian {@code descr} string written to headers, e.g. {@code <f4}. */
  public String littleEndianDescr() {
    return "<" + code;
  }

  /** The dtype of a {@code descr} string, or null when it is not a supported float type. */
  static NpyDtype ofDescr(String descr) {
    if (descr.length() != 3 || (descr.charAt(0) != '<' && descr.charAt(0) != '>')) {
      return null;
    }
    for (NpyDtype d : values()) {
      if (descr.substring(1).equals(d.code)) {
        return d;
      }
    }
    return null;
  }

  /** The byte order of a supported {@code descr} string. */
  static ByteOrder orderOfDescr(String descr) {
    return descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  /** The valid descr strings, for error messages. */
  static String supportedList() {
    return "<f4 (float32), <f2 (float16) or <f8 (float64)";
  }
}
