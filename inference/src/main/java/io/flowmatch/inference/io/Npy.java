package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and writes NumPy {@code .npy} files of floats: {@code numpy.load} reads what this writes,
 * and this reads what {@code numpy.save} writes for float16/32/64 arrays in C order.
 *
 * <p>Writes are atomic (temporary file, then a move). For outputs too large for memory use {@link
 * NpyStreamWriter}; for inputs, {@link NpyFile} reads rows.
 */
public final class Npy {
  private Npy() {}

  /** Reads a whole file, converting float16/float64 to float32. */
  public static NpyArray read(Path path) throws IOException {
    try (NpyFile f = NpyFile.open(path)) {
      long[] shape = f.shape();
      int[] ints = new int[shape.length];
      for (int i = 0; i < shape.length; i++) {
        if (shape[i] > Integer.MAX_VALUE) {
          throw new NpyFormatException(
              path + ": dimension " + shape[i] + " is too large for memory");
        }
        ints[i] = (int) shape[i];
      }
      return new NpyArray(ints, f.readAll());
    }
  }

  /** Writes float32 ({@code <f4}) atomically. */
  public static void write(Path path, int[] shape, float[] data) throws IOException {
    write(path, shape, data, NpyDtype.FLOAT32);
  }

  /** Writes in the given little-endian dtype, atomically (float16 rounds to nearest even). */
  public static void write(Path path, int[] shape, float[] data, NpyDtype dtype)
      throws IOException {
    AtomicFile.write(path, toBytes(shape, data, dtype));
  }

  /**
   * Writes a 1-D float64 ({@code <f8}) array atomically, for values that float32 would round, such
   * as the grid times stored beside a trajectory.
   */
  public static void writeDoubles(Path path, double[] values) throws IOException {
    byte[] header =
        NpyHeader.encode(NpyDtype.FLOAT64.littleEndianDescr(), new long[] {values.length}, 0);
    ByteBuffer buf =
        ByteBuffer.allocate(header.length + values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(header);
    for (double v : values) {
      buf.putDouble(v);
    }
    AtomicFile.write(path, buf.array());
  }

  /** The bytes of a v1.0 .npy file. */
  public static byte[] toBytes(int[] shape, float[] data, NpyDtype dtype) {
    new NpyArray(shape, data); // checks the count
    byte[] header =
        NpyHeader.encode(
            dtype.littleEndianDescr(), Arrays.stream(shape).asLongStream().toArray(), 0);
    ByteBuffer buf =
        ByteBuffer.allocate(header.length + data.length * dtype.size())
            .order(ByteOrder.LITTLE_ENDIAN);
    buf.put(header);
    switch (dtype) {
      case FLOAT32:
        buf.asFloatBuffer().put(data);
        break;
      case FLOAT64:
        for (float v : data) {
          buf.putDouble(v);
        }
        break;
      case FLOAT16:
        for (float v : data) {
          buf.putShort(Float16.fromFloat(v));
        }
        break;
      default:
        throw new IllegalStateException(dtype.toString());
    }
    return buf.array();
  }
}
