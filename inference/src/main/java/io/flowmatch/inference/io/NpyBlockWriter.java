package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a float32 {@code .npy} file whose shape is known in advance, block by block at any
 * position: a trajectory {@code [K+1, N, ...]} arrives batch by batch, each batch with its states
 * at every node, so its blocks land all over the file. Memory holds one transfer buffer, whatever
 * the array's size. As with {@link NpyStreamWriter}, the data goes to a temporary file beside the
 * target; {@link #commit()} checks that every value was written and moves it into place, and
 * closing without a commit deletes it.
 */
public final class NpyBlockWriter implements AutoCloseable {
  private final FloatFile file;
  private final long dataOffset;
  private final long valueCount;
  private long written;

  private NpyBlockWriter(FloatFile file, byte[] header, long valueCount) throws IOException {
    this.file = file;
    this.dataOffset = header.length;
    this.valueCount = valueCount;
    file.writeBytes(header, 0);
  }

  /** Starts writing {@code target} (through a temporary file beside it) with the given shape. */
  public static NpyBlockWriter open(Path target, long[] shape) throws IOException {
    long n = 1;
    for (long d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "dimensions must be positive, got " + NpyHeader.shapeString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    byte[] header = NpyHeader.encode(NpyDtype.FLOAT32.littleEndianDescr(), shape, 0);
    FloatFile f = FloatFile.open(target);
    try {
      return new NpyBlockWriter(f, header, n);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** Floats in the array: the product of the shape. */
  public long valueCount() {
    return valueCount;
  }

  /**
   * Writes {@code count} floats of {@code data}, from {@code offset}, at flat (row-major) index
   * {@code position} of the array. Each value should be written once.
   */
  public void write(long position, float[] data, int offset, int count) throws IOException {
    if (position < 0 || count < 0 || position > valueCount - count) {
      throw new IllegalArgumentException(
          count + " values at index " + position + " do not fit an array of " + valueCount);
    }
    file.writeFloats(data, offset, count, dataOffset + position * 4);
    written += count;
  }

  /**
   * Closes the file and moves it to the target.
   *
   * @throws IllegalStateException when fewer values were written than the shape holds
   */
  public void commit() throws IOException {
    if (written != valueCount) {
      throw new IllegalStateException(written + " of the " + valueCount + " values were written");
    }
    file.commit();
  }

  /** Deletes the partial file unless committed. */
  @Override
  public void close() throws IOException {
    file.close();
  }
}
