package io.flowmatch.inference.dataset;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** IDX image files for tests. */
public final class IdxFiles {
  private IdxFiles() {}

  /**
   * Writes an IDX3 file of n images rows×cols whose pixel k of image i is (i + k) mod 256, gzipped
   * if asked, with the given magic number (0x803 for images).
   */
  public static Path write(Path path, int n, int rows, int cols, boolean gz, int magic)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      out.writeInt(n);
      out.writeInt(rows);
      out.writeInt(cols);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < rows * cols; k++) {
          out.writeByte((i + k) % 256);
        }
      }
    }
    try (OutputStream file = Files.newOutputStream(path);
        OutputStream out = gz ? new GZIPOutputStream(file) : file) {
      out.write(bytes.toByteArray());
    }
    return path;
  }
}
