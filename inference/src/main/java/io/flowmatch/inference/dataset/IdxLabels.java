package io.flowmatch.inference.dataset;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reader of IDX label files (the MNIST format): big-endian magic {@code 0x00000801} (unsigned
 * bytes, 1 dimension), the count, then one byte per label. Gzipped when the name ends in {@code
 * .gz}.
 */
public final class IdxLabels {
  /** Magic number of a 1-dimensional unsigned-byte IDX file. */
  public static final int LABEL_MAGIC = 0x00000801;

  private IdxLabels() {}

  /**
   * Reads the labels of {@code file}, each checked to lie in [0, classes).
   *
   * @throws CorruptDataException wrong magic number, wrong length, or a label out of range
   * @throws IOException the file cannot be read
   */
  public static int[] read(Path file, int classes) throws IOException {
    try (IdxFile idx = IdxFile.open(file)) {
      int count = idx.header(LABEL_MAGIC, 1, "unsigned-byte labels")[0];
      if (count <= 0) {
        throw idx.corrupt("implausible label count " + count);
      }
      byte[] bytes =
          idx.readAnnounced(
              count, got -> "header announces " + count + " labels but only " + got + " follow");
      idx.requireEnd(count + " labels");
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = bytes[i] & 0xff;
        if (labels[i] >= classes) {
          throw idx.corrupt(
              "label " + labels[i] + " at index " + i + ", expected 0.." + (classes - 1));
        }
      }
      return labels;
    }
  }
}
