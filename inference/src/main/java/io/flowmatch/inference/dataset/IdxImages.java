package io.flowmatch.inference.dataset;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads images from an IDX file ({@code idx3-ubyte}, as MNIST and Fashion-MNIST are distributed;
 * gzipped when the name ends in {@code .gz}): the training module keeps the whole file as bytes
 * ({@link #readPixels}), the quality metrics take the first images as floats ({@link #read}).
 *
 * <p>Format: a big-endian magic 0x00000803 (unsigned bytes, 3 dimensions), the count, rows and
 * columns as big-endian ints, then count·rows·columns pixel bytes.
 */
public final class IdxImages {
  private IdxImages() {}

  /** Magic number of a 3-dimensional unsigned-byte IDX file. */
  public static final int MAGIC = 0x00000803;

  /**
   * The IDX file {@code base} in {@code dir}: {@code base.gz} (as the data sets are distributed),
   * else {@code base} unpacked; empty when neither is a regular file (each caller says what to do).
   */
  public static java.util.Optional<Path> find(Path dir, String base) {
    for (Path p : new Path[] {dir.resolve(base + ".gz"), dir.resolve(base)}) {
      if (java.nio.file.Files.isRegularFile(p)) {
        return java.util.Optional.of(p);
      }
    }
    return java.util.Optional.empty();
  }

  private static final String KIND = "unsigned-byte images";

  /** Larger images than this are taken for a corrupt header, not data. */
  private static final int MAX_IMAGE_PIXELS = 1 << 20;

  /** All images of a file as their pixel bytes 0..255, image after image, row-major. */
  public record Pixels(byte[] data, int count, int rows, int cols) {
    public int[] sampleShape() {
      return new int[] {1, rows, cols};
    }

    /**
     * Copies image {@code index} into {@code dst} at {@code offset}, pixel p becoming lo + p·(hi −
     * lo)/255.
     */
    public void copyScaled(int index, float[] dst, int offset, double lo, double hi) {
      scale(data, index * rows * cols, dst, offset, rows * cols, lo, hi);
    }

    /** All images as floats, pixel p becoming lo + p·(hi − lo)/255. */
    public float[] scaled(double lo, double hi) {
      float[] out = new float[data.length];
      scale(data, 0, out, 0, data.length, lo, hi);
      return out;
    }
  }

  /** n images of rows×cols floats each, one channel. */
  public record Images(float[] data, int count, int rows, int cols) {
    public int[] sampleShape() {
      return new int[] {1, rows, cols};
    }
  }

  /**
   * Reads a whole file, checking that it holds exactly the images its header announces.
   *
   * @throws CorruptDataException wrong magic number, implausible sizes, too few or too many bytes,
   *     or a {@code .gz} name that is not gzip
   * @throws IOException the file cannot be read
   */
  public static Pixels readPixels(Path file) throws IOException {
    try (IdxFile idx = IdxFile.open(file)) {
      int[] h = idx.header(MAGIC, 3, KIND);
      int count = h[0];
      int rows = h[1];
      int cols = h[2];
      if (count <= 0 || implausible(count, rows, cols)) {
        throw idx.corrupt("implausible size " + count + "×" + rows + "×" + cols);
      }
      int expected = count * rows * cols;
      byte[] pixels = idx.readAnnounced(expected, got -> tooShort(count, rows, cols, got));
      idx.requireEnd(expected + "");
      return new Pixels(pixels, count, rows, cols);
    }
  }

  /**
   * Reads the first {@code limit} images (all when the file holds fewer) as [N, 1, rows, cols]
   * floats, pixel p becoming lo + p·(hi − lo)/255 computed in float. Bytes after those images are
   * not read.
   *
   * @throws CorruptDataException as {@link #readPixels}, for the part of the file read
   * @throws IOException the file cannot be read
   */
  public static Images read(Path file, int limit, double lo, double hi) throws IOException {
    try (IdxFile idx = IdxFile.open(file)) {
      int[] h = idx.header(MAGIC, 3, KIND);
      int count = h[0];
      int rows = h[1];
      int cols = h[2];
      int n = Math.min(count, limit);
      if (count < 0 || implausible(n, rows, cols)) {
        throw idx.corrupt("implausible size " + count + "×" + rows + "×" + cols);
      }
      int size = rows * cols;
      byte[] pixels = idx.readAnnounced(n * size, got -> tooShort(count, rows, cols, got));
      float[] out = new float[n * size];
      scale(pixels, 0, out, 0, n * size, lo, hi);
      return new Images(out, n, rows, cols);
    }
  }

  private static String tooShort(int count, int rows, int cols, int got) {
    return "header announces "
        + count
        + " images of "
        + rows
        + "×"
        + cols
        + " ("
        + (long) count * rows * cols
        + " bytes of pixels) but only "
        + got
        + " bytes follow";
  }

  private static boolean implausible(int count, int rows, int cols) {
    return rows <= 0
        || cols <= 0
        || (long) rows * cols > MAX_IMAGE_PIXELS
        || (long) count * rows * cols > Integer.MAX_VALUE - 8;
  }

  private static void scale(
      byte[] src, int from, float[] dst, int offset, int length, double lo, double hi) {
    float step = (float) (hi - lo) / 255f;
    float base = (float) lo;
    for (int k = 0; k < length; k++) {
      dst[offset + k] = (src[from + k] & 0xff) * step + base;
    }
  }
}
