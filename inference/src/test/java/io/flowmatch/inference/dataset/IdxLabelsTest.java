package io.flowmatch.inference.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxLabelsTest {
  @TempDir Path tmp;

  /** A plain (not gzipped) IDX1 file: magic, count, one byte per label. */
  private Path labels(int magic, int[] labels) throws java.io.IOException {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(8 + labels.length).putInt(magic).putInt(labels.length);
    for (int l : labels) {
      b.put((byte) l);
    }
    return Files.write(tmp.resolve("train-labels-idx1-ubyte"), b.array());
  }

  @Test
  void readsWhatWasWritten() throws Exception {
    int[] labels = {0, 9, 3, 3, 7};
    Path f = labels(IdxLabels.LABEL_MAGIC, labels);
    assertArrayEquals(labels, IdxLabels.read(f, 10));
  }

  @Test
  void imageMagicIsRejected() throws Exception {
    Path f = labels(IdxImages.MAGIC, new int[] {1});
    CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxLabels.read(f, 10));
    assertEquals(
        "corrupt IDX file "
            + f
            + ": magic number 0x00000803, expected 0x00000801 (unsigned-byte labels)",
        e.getMessage());
  }

  @Test
  void labelOutOfRangeIsNamed() throws Exception {
    Path f = labels(IdxLabels.LABEL_MAGIC, new int[] {1, 2, 10});
    CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxLabels.read(f, 10));
    assertEquals("corrupt IDX file " + f + ": label 10 at index 2, expected 0..9", e.getMessage());
  }

  @Test
  void shortFileIsNamed() throws Exception {
    Path f = tmp.resolve("l");
    Files.write(f, new byte[] {0, 0, 8, 1, 0, 0, 0, 3, 1});
    CorruptDataException e = assertThrows(CorruptDataException.class, () -> IdxLabels.read(f, 10));
    assertEquals(
        "corrupt IDX file " + f + ": header announces 3 labels but only 1 follow", e.getMessage());
  }
}
