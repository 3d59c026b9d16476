package io.flowmatch.training.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small labelled IDX files (images and labels) for tests. */
public final class IdxLabelFiles {
  private IdxLabelFiles() {}

  /** Writes {@code PREFIX-labels-idx1-ubyte.gz} with the given magic and labels. */
  public static Path labels(Path dir, String prefix, int magic, int[] labels) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file));
        DataOutputStream out = new DataOutputStream(os)) {
      out.writeInt(magic);
      out.writeInt(labels.length);
      for (int l : labels) {
        out.write(l);
      }
    }
    return file;
  }

  /**
   * Writes {@code PREFIX-images-idx3-ubyte.gz}: 28×28 images whose label k is drawn as a bright
   * horizontal bar on rows 2k+3 and 2k+4 over a dark background, so a CNN can learn them.
   */
  public static Path barImages(Path dir, String prefix, int[] labels) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    try (OutputStream os = new GZIPOutputStream(Files.newOutputStream(file));
        DataOutputStream out = new DataOutputStream(os)) {
      out.writeInt(io.flowmatch.inference.dataset.IdxImages.MAGIC);
      out.writeInt(labels.length);
      out.writeInt(28);
      out.writeInt(28);
      for (int label : labels) {
        for (int r = 0; r < 28; r++) {
          boolean bar = r == 2 * label + 3 || r == 2 * label + 4;
          for (int c = 0; c < 28; c++) {
            out.write(bar ? 250 : 5);
          }
        }
      }
    }
    return file;
  }
}
