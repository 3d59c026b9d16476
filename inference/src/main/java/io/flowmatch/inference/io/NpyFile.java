package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An open {@code .npy} file of floats, read row by row (a row is one item along the first axis), so
 * that large files need not fit in memory. float16 and float64 are converted to float32.
 *
 * <p>The header is checked at open: magic and version, C order, a float dtype, and that the file
 * holds exactly the bytes the shape needs.
 */
public final class NpyFile implements AutoCloseable {
  private final FileChannel channel;
  private final NpyHeader header;
  private final NpyDtype dtype;
  private final ByteOrder order;
  private final String name;

  private NpyFile(FileChannel channel, NpyHeader header, NpyDtype dtype, String name) {
    this.channel = channel;
    this.header = header;
    this.dtype = dtype;
    this.order = NpyDtype.orderOfDescr(header.descr());
    this.name = name;
  }

  /**
   * Opens and checks a file.
   *
   * @throws NoSuchFileException when the file does not exist
   * @throws NpyFormatException when it is not a C-order float .npy file of consistent size
   */
  public static NpyFile open(Path path) throws IOException {
    String name = path.toString();
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    try {
      NpyHeader h = NpyHeader.read(ch, name);
      NpyDtype dtype = NpyDtype.ofDescr(h.descr());
      if (dtype == null) {
        throw new NpyFormatException(
            name + ": unsupported dtype '" + h.descr() + "', expected " + NpyDtype.supportedList());
      }
      if (h.fortranOrder()) {
        throw new NpyFormatException(
            name
                + ": Fortran-order arrays are not supported, expected C order (numpy.ascontiguousarray)");
      }
      long needed;
      try {
        needed = Math.multiplyExact(h.elementCount(), (long) dtype.size());
      } catch (ArithmeticException e) {
        throw new NpyFormatException(
            name + ": shape " + NpyHeader.shapeString(h.shape()) + " is too large");
      }
      long has = ch.size() - h.dataOffset();
      if (has != needed) {
        throw new NpyFormatException(
            name
                + ": shape "
                + NpyHeader.shapeString(h.shape())
                + " of "
                + dtype.displayName()
                + " needs "
                + needed
                + " data bytes, the file has "
                + has);
      }
      return new NpyFile(ch, h, dtype, name);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public NpyHeader header() {
    return header;
  }

  /** The stored element type (data are returned as float32 whatever it is). */
  public NpyDtype dtype() {
    return dtype;
  }

  /** A copy of the shape. */
  public long[] shape() {
    return header.shape().clone();
  }

  /** Items along the first axis (1 for a scalar). */
  public long rows() {
    return header.shape().length == 0 ? 1 : header.shape()[0];
  }

  /** Floats per row: the product of the shape without its first axis. */
  public long rowSize() {
    long n = 1;
    for (int i = 1; i < header.shape().length; i++) {
      n *= header.shape()[i];
    }
    return n;
  }

  /**
   * Reads {@code count} rows starting at row {@code first} into {@code dst} from {@code dstOffset},
   * converting to float32.
   */
  public void readRows(long first, int count, float[] dst, int dstOffset) throws IOException {
    if (first < 0 || count < 0 || first + count > rows()) {
      throw new IndexOutOfBoundsException(
          "rows " + first + ".." + (first + count) + " of " + rows() + " in " + name);
    }
    long elements = count * rowSize();
    if (dstOffset + elements > dst.length) {
      throw new IndexOutOfBoundsException(
          elements + " floats do not fit from " + dstOffset + " in " + dst.length);
    }
    int size = dtype.size();
    long pos = header.dataOffset() + first * rowSize() * size;
    // read in chunks to keep the transfer buffer small for large files
    int chunkElements = 1 << 16;
    ByteBuffer buf = ByteBuffer.allocate(chunkElements * size).order(order);
    int out = dstOffset;
    long left = elements;
    while (left > 0) {
      int n = (int) Math.min(left, chunkElements);
      buf.clear().limit(n * size);
      while (buf.hasRemaining()) {
        int r = channel.read(buf, pos + buf.position());
        if (r < 0) {
          throw new NpyFormatException(name + ": file ended early");
        }
      }
      buf.flip();
      switch (dtype) {
        case FLOAT32:
          buf.asFloatBuffer().get(dst, out, n);
          break;
        case FLOAT64:
          for (int k = 0; k < n; k++) {
            dst[out + k] = (float) buf.getDouble(k * 8);
          }
          break;
        case FLOAT16:
          for (int k = 0; k < n; k++) {
            dst[out + k] = Float16.toFloat(buf.getShort(k * 2));
          }
          break;
        default:
          throw new IllegalStateException(dtype.toString());
      }
      out += n;
      pos += (long) n * size;
      left -= n;
    }
  }

  /** Reads the whole array. */
  public float[] readAll() throws IOException {
    long n = header.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new NpyFormatException(
          name + ": " + n + " elements do not fit one Java array; read it in rows instead");
    }
    float[] data = new float[(int) n];
    // a scalar has rows() == 1 and rowSize() == 1, so the row reader covers it too
    readRows(0, (int) rows(), data, 0);
    return data;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
