package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a NumPy {@code .npy} file (format versions 1.0, 2.0 and 3.0).
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length (2
 * bytes little-endian in v1, 4 bytes in v2/v3), then a Python dict literal such as {@code {'descr':
 * '<f4', 'fortran_order': False, 'shape': (3, 2), }} padded with spaces and ending in a newline so
 * that the data starts at a multiple of 64 bytes.
 *
 * @param descr the dtype string, e.g. {@code <f4}
 * @param fortranOrder whether the data is stored column-major
 * @param shape the array shape ({@code {}} for a scalar)
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(String descr, boolean fortranOrder, long[] shape, long dataOffset) {

  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /** NumPy aligns the data start to this many bytes. */
  static final int ALIGNMENT = 64;

  /** Number of elements: the product of the shape (1 for a scalar). */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The shape as NumPy prints it, e.g. {@code (3, 2)} or {@code (5,)}. */
  public static String shapeString(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(')').toString();
  }

  /** Same for int shapes. */
  public static String shapeString(int[] shape) {
    return shapeString(Arrays.stream(shape).asLongStream().toArray());
  }

  // ---- reading ----

  /**
   * Reads and checks the header at the channel's start.
   *
   * @param name the file name used in error messages
   */
  static NpyHeader read(SeekableByteChannel ch, String name) throws IOException {
    ch.position(0);
    ByteBuffer pre = ByteBuffer.allocate(8);
    readFully(ch, pre);
    if (pre.position() < 8 || !startsWithMagic(pre.array())) {
      throw new NpyFormatException(name + ": not a NumPy .npy file (bad magic bytes)");
    }
    int major = pre.get(6) & 0xff;
    int minor = pre.get(7) & 0xff;
    int lenBytes;
    if (major == 1) {
      lenBytes = 2;
    } else if (major == 2 || major == 3) {
      lenBytes = 4;
    } else {
      throw new NpyFormatException(
          name
              + ": unsupported .npy format version "
              + major
              + "."
              + minor
              + ", expected 1.0, 2.0 or 3.0");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(lenBytes).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, lenBuf);
    if (lenBuf.position() < lenBytes) {
      throw new NpyFormatException(name + ": truncated .npy header");
    }
    long headerLen =
        lenBytes == 2 ? (lenBuf.getShort(0) & 0xffff) : (lenBuf.getInt(0) & 0xffffffffL);
    if (headerLen > 1 << 24) {
      throw new NpyFormatException(name + ": implausible .npy header length " + headerLen);
    }
    ByteBuffer text = ByteBuffer.allocate((int) headerLen);
    readFully(ch, text);
    if (text.position() < headerLen) {
      throw new NpyFormatException(
          name + ": truncated .npy header (" + text.position() + " of " + headerLen + " bytes)");
    }
    // v1/v2 headers are latin-1, v3 UTF-8; the keys we need are ASCII either way
    String dict =
        new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Map<String, Object> entries = new DictParser(dict, name).parse();
    Object descr = entries.get("descr");
    Object fortran = entries.get("fortran_order");
    Object shape = entries.get("shape");
    if (!(descr instanceof String) || !(fortran instanceof Boolean) || !(shape instanceof long[])) {
      throw new NpyFormatException(
          name
              + ": .npy header needs 'descr' (string), 'fortran_order' (bool) and 'shape' (tuple), got "
              + dict.trim());
    }
    long offset = 6 + 2 + lenBytes + headerLen;
    return new NpyHeader((String) descr, (Boolean) fortran, (long[]) shape, offset);
  }

  private static boolean startsWithMagic(byte[] b) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (b[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static void readFully(SeekableByteChannel ch, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      if (ch.read(buf) < 0) {
        return;
      }
    }
  }

  // ---- writing ----

  /**
   * Encodes a v1.0 header (v2.0 if the dict does not fit 65535 bytes), C order, padded with spaces
   * so the whole header is at least {@code minLength} bytes and a multiple of 64.
   */
  static byte[] encode(String descr, long[] shape, int minLength) {
    String dict =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeString(shape) + ", }";
    int prefix = 6 + 2 + 2;
    int total = round64(Math.max(prefix + dict.length() + 1, minLength));
    int lenBytes = 2;
    if (total - prefix > 0xffff) {
      prefix = 6 + 2 + 4;
      lenBytes = 4;
      total = round64(Math.max(prefix + dict.length() + 1, minLength));
    }
    ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) (lenBytes == 2 ? 1 : 2)).put((byte) 0);
    if (lenBytes == 2) {
      out.putShort((short) (total - prefix));
    } else {
      out.putInt(total - prefix);
    }
    out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    while (out.position() < total - 1) {
      out.put((byte) ' ');
    }
    out.put((byte) '\n');
    return out.array();
  }

  private static int round64(int n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /**
   * A parser for the Python literal dicts of .npy headers: string keys, and values that are
   * strings, {@code True}/{@code False} or tuples of integers.
   */
  private static final class DictParser {
    private final String s;
    private final String name;
    private int i;

    DictParser(String s, String name) {
      this.s = s;
      this.name = name;
    }

    Map<String, Object> parse() throws NpyFormatException {
      Map<String, Object> map = new LinkedHashMap<>();
      expect('{');
      skipSpace();
      while (peek() != '}') {
        String key = string();
        expect(':');
        map.put(key, value());
        skipSpace();
        if (peek() == ',') {
          i++;
          skipSpace();
        } else if (peek() != '}') {
          throw error("',' or '}'");
        }
      }
      return map;
    }

    private Object value() throws NpyFormatException {
      skipSpace();
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (c == '(') {
        return tuple();
      }
      if (s.startsWith("True", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("False", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      throw error("a string, True, False or a tuple");
    }

    private long[] tuple() throws NpyFormatException {
      expect('(');
      List<Long> dims = new ArrayList<>();
      skipSpace();
      while (peek() != ')') {
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
          i++;
        }
        if (start == i) {
          throw error("a non-negative integer in the shape");
        }
        try {
          dims.add(Long.parseLong(s.substring(start, i)));
        } catch (NumberFormatException e) {
          throw error("a shape dimension that fits 64 bits");
        }
        if (peek() == 'L') { // Python 2 long literal
          i++;
        }
        skipSpace();
        if (peek() == ',') {
          i++;
          skipSpace();
        } else if (peek() != ')') {
          throw error("',' or ')'");
        }
      }
      i++;
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private String string() throws NpyFormatException {
      skipSpace();
      char q = peek();
      if (q != '\'' && q != '"') {
        throw error("a quoted string");
      }
      int end = s.indexOf(q, i + 1);
      if (end < 0) {
        throw error("a closing quote");
      }
      String v = s.substring(i + 1, end);
      i = end + 1;
      return v;
    }

    private void expect(char c) throws NpyFormatException {
      skipSpace();
      if (peek() != c) {
        throw error("'" + c + "'");
      }
      i++;
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpace() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private NpyFormatException error(String expected) {
      String near = s.substring(i, Math.min(s.length(), i + 20)).trim();
      return new NpyFormatException(
          name
              + ": malformed .npy header: expected "
              + expected
              + " at character "
              + i
              + (near.isEmpty() ? " (end of header)" : " near '" + near + "'"));
    }
  }
}
