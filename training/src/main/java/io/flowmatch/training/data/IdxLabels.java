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
 * Reader of IDX label files (the MNIST format): big-endian magic {@code 0x00000801} (unsigned
 * bytes, 1 dimension), the count, then one byte per label. Gzipped when the name ends in {@code .gz}.
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
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
        DataInputStream data = new DataInputStream(in)) {
      int magic;
      int count;
      try {
        magic = data.readInt();
        count = data.readInt();
      } catch (EOFException e) {
        throw new CorruptDataException("corrupt IDX file " + file + ": header shorter than 8 bytes");
      }
      if (magic != LABEL_MAGIC) {
        throw new CorruptDataException(
            String.format(
                "corrupt IDX file %s: magic number 0x%08x, expected 0x%08x (unsigned-byte labels)",
                file, magic, LABEL_MAGIC));
      }
      if (count <= 0) {
        throw new CorruptDataException("corrupt IDX file " + file + ": implausible label count " + count);
      }
      byte[] bytes = new byte[count];
      int got = data.readNBytes(bytes, 0, count);
      if (got < count) {
        throw new CorruptDataException(
            "corrupt IDX file " + file + ": header announces " + count + " labels but only " + got + " follow");
      }
      if (data.read() != -1) {
        throw new CorruptDataException(
            "corrupt IDX file " + file + ": more bytes than the " + count + " labels the header announces");
      }
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = bytes[i] & 0xff;
        if (labels[i] >= classes) {
          throw new CorruptDataException(
              "corrupt IDX file " + file + ": label " + labels[i] + " at index " + i + ", expected 0.." + (classes - 1));
        }
      }
      return labels;
    } catch (java.util.zip.ZipException e) {
      throw new CorruptDataException("corrupt IDX file " + file + ": not valid gzip (" + e.getMessage() + ")");
    }
  }
}
