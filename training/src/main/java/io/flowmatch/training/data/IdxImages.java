package io.flowmatch.training.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX image files (the MNIST format): big-endian magic {@code 0x00000803} (unsigned
 * bytes, 3 dimensions), the count, rows and columns, then the pixels. Gzipped files are read when
 * the name ends in {@code .gz}. Pixels are scaled to [-1, 1] when copied out.
 */
public final class IdxImages implements TrainingData {
  /** Magic number of a 3-dimensional unsigned-byte IDX file. */
  public static final int IMAGE_MAGIC = 0x00000803;

  private final String name;
  private final byte[] pixels;
  private final int count;
  private final int rows;
  private final int cols;

  private IdxImages(String name, byte[] pixels, int count, int rows, int cols) {
    this.name = name;
    this.pixels = pixels;
    this.count = count;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * Reads an IDX image file.
   *
   * @throws CorruptDataException wrong magic number, implausible dimensions, or too few/many bytes
   * @throws IOException the file cannot be read
   */
  public static IdxImages read(String name, Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        DataInputStream data = new DataInputStream(in)) {
      int magic;
      int count;
      int rows;
      int cols;
      try {
        magic = data.readInt();
        if (magic != IMAGE_MAGIC) {
          throw new CorruptDataException(
              String.format(
                  "corrupt IDX file %s: magic number 0x%08x, expected 0x%08x (unsigned-byte images)",
                  file, magic, IMAGE_MAGIC));
        }
        count = data.readInt();
        rows = data.readInt();
        cols = data.readInt();
      } catch (EOFException e) {
        throw new CorruptDataException("corrupt IDX file " + file + ": header shorter than 16 bytes");
      }
      if (count <= 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 8) {
        throw new CorruptDataException(
            "corrupt IDX file " + file + ": implausible size " + count + "×" + rows + "×" + cols);
      }
      int expected = count * rows * cols;
      byte[] pixels = new byte[expected];
      int got = data.readNBytes(pixels, 0, expected);
      if (got < expected) {
        throw new CorruptDataException(
            "corrupt IDX file "
                + file
                + ": header announces "
                + count
                + " images of "
                + rows
                + "×"
                + cols
                + " ("
                + expected
                + " bytes of pixels) but only "
                + got
                + " bytes follow");
      }
      if (data.read() != -1) {
        throw new CorruptDataException(
            "corrupt IDX file " + file + ": more bytes than the " + expected + " the header announces");
      }
      return new IdxImages(name, pixels, count, rows, cols);
    } catch (java.util.zip.ZipException e) {
      throw new CorruptDataException("corrupt IDX file " + file + ": not valid gzip (" + e.getMessage() + ")");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public int[] sampleShape() {
    return new int[] {1, rows, cols};
  }

  @Override
  public double[] range() {
    return new double[] {-1, 1};
  }

  @Override
  public void copySample(int index, float[] dst, int offset) {
    int n = rows * cols;
    int base = index * n;
    for (int i = 0; i < n; i++) {
      dst[offset + i] = (pixels[base + i] & 0xff) * (2f / 255f) - 1f;
    }
  }
}
