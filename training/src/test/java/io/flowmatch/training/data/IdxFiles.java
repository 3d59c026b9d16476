package io.flowmatch.training.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX image files for tests. */
public final class IdxFiles {
  private IdxFiles() {}

  /**
   * Writes {@code train-images-idx3-ubyte.gz} into {@code dir}: {@code count} images of rows×cols,
   * pixel (i, p) = (i + p) mod 256, with the given magic number and {@code missing} bytes cut off.
   */
  public static Path write(Path dir, int magic, int count, int rows, int cols, int missing)
      throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(Datasets.TRAIN_IMAGES);
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file));
        DataOutputStream out = new DataOutputStream(os)) {
      out.writeInt(magic);
      out.writeInt(count);
      out.writeInt(rows);
      out.writeInt(cols);
      int n = count * rows * cols - missing;
      for (int k = 0; k < n; k++) {
        int i = k / (rows * cols);
        int p = k % (rows * cols);
        out.write((i + p) & 0xff);
      }
    }
    return file;
  }
}
