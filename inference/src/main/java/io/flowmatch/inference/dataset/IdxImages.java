package io.flowmatch.inference.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads images from an IDX file ({@code idx3-ubyte}, as MNIST and Fashion-MNIST are distributed;
 * gzipped when the name ends in {@code .gz}) and scales pixels 0..255 to a data range.
 *
 * <p>Format: a big-endian magic 0x00000803 (unsigned bytes, 3 dimensions), the count, rows and
 * columns as big-endian ints, then count·rows·columns pixel bytes.
 */
public final class IdxImages {
  private IdxImages() {}

  static final int MAGIC = 0x00000803;

  /**
   * Reads the first {@code limit} images (all when the file holds fewer) as [N, 1, rows, cols]
   * floats, pixel p becoming lo + p·(hi − lo)/255 computed in float.
   *
   * @return the images and their count and size
   * @throws IOException a missing, unreadable or corrupt file, with a one-line message naming it
   */
  public static Images read(Path file, int limit, double lo, double hi) throws IOException {
    try (InputStream raw = Files.newInputStream(file);
        InputStream buffered = new BufferedInputStream(raw, 1 << 16);
        DataInputStream in =
            new DataInputStream(
                file.getFileName().toString().endsWith(".gz")
                    ? new GZIPInputStream(buffered, 1 << 16)
                    : buffered)) {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IOException(
            "corrupt IDX file " + file + ": magic 0x" + Integer.toHexString(magic)
                + ", expected 0x803 (unsigned-byte images of 3 dimensions)");
      }
      int count = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      if (count < 0 || rows < 1 || cols < 1 || (long) rows * cols > 1 << 20) {
        throw new IOException(
            "corrupt IDX file " + file + ": header says " + count + " images of " + rows + "×" + cols);
      }
      int n = Math.min(count, limit);
      int size = rows * cols;
      float scale = (float) (hi - lo) / 255f;
      float offset = (float) lo;
      float[] out = new float[Math.multiplyExact(n, size)];
      byte[] image = new byte[size];
      for (int i = 0; i < n; i++) {
        in.readFully(image);
        for (int k = 0; k < size; k++) {
          out[i * size + k] = (image[k] & 0xff) * scale + offset;
        }
      }
      return new Images(out, n, rows, cols);
    } catch (EOFException e) {
      throw new IOException("corrupt IDX file " + file + ": it ends before its header's image count");
    }
  }

  /** n images of rows×cols floats each, one channel. */
  public record Images(float[] data, int count, int rows, int cols) {
    public int[] sampleShape() {
      return new int[] {1, rows, cols};
    }
  }
}
