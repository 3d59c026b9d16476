package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a float32 {@code .npy} file row batch by row batch, so memory does not grow with the
 * number of rows. The header is written first with room for any row count; {@link #commit()}
 * rewrites it with the final count (same length, padded with spaces) and moves the file into place.
 * Closing without a commit deletes the partial file.
 */
public final class NpyStreamWriter implements AutoCloseable {
  /** Header length reserved for the largest possible row count, rounded to 64 bytes. */
  private final int headerLength;

  private final int[] itemShape;
  private final long itemSize;
  private final FloatFile file;
  private long rows;

  private NpyStreamWriter(FloatFile file, int[] itemShape) throws IOException {
    this.file = file;
    this.itemShape = itemShape.clone();
    long size = 1;
    for (int d : itemShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "item dimensions must be positive, got " + NpyHeader.shapeString(itemShape));
      }
      size *= d;
    }
    this.itemSize = size;
    this.headerLength =
        NpyHeader.encode(NpyDtype.FLOAT32.littleEndianDescr(), shapeWith(Long.MAX_VALUE), 0).length;
    file.writeBytes(header(), 0);
  }

  /**
   * Starts writing {@code target} (through a temporary file beside it).
   *
   * @param itemShape shape of one row, e.g. {@code {2}} or {@code {1, 28, 28}}
   */
  public static NpyStreamWriter open(Path target, int[] itemShape) throws IOException {
    FloatFile f = FloatFile.open(target);
    try {
      return new NpyStreamWriter(f, itemShape);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** Appends {@code n} rows: the first {@code n · itemSize} floats of {@code data}. */
  public void append(float[] data, int n) throws IOException {
    long count = n * itemSize;
    if (count > data.length) {
      throw new IllegalArgumentException(n + " rows need " + count + " floats, got " + data.length);
    }
    file.writeFloats(data, 0, (int) count, headerLength + rows * itemSize * 4);
    rows += n;
  }

  /** Rows written so far. */
  public long rows() {
    return rows;
  }

  /** Writes the final header, closes the file and moves it to the target. */
  public void commit() throws IOException {
    file.writeBytes(header(), 0);
    file.commit();
  }

  /** Deletes the partial file unless committed. */
  @Override
  public void close() throws IOException {
    file.close();
  }

  /** The target path. */
  public Path target() {
    return file.target();
  }

  private byte[] header() {
    return NpyHeader.encode(NpyDtype.FLOAT32.littleEndianDescr(), shapeWith(rows), headerLength);
  }

  private long[] shapeWith(long first) {
    long[] shape = new long[itemShape.length + 1];
    shape[0] = first;
    for (int i = 0; i < itemShape.length; i++) {
      shape[i + 1] = itemShape[i];
    }
    return shape;
  }
}
