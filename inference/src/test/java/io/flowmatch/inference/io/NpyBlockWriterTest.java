package io.flowmatch.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyBlockWriterTest {
  @TempDir Path dir;

  @Test
  void blocksWrittenInAnyOrderMakeTheWholeArray() throws IOException {
    // a [3, 4, 2] trajectory arriving as two batches of 2 samples, each with all 3 nodes
    Path f = dir.resolve("t.npy");
    float[] expected = new float[24];
    for (int i = 0; i < 24; i++) {
      expected[i] = i * 0.5f - 3;
    }
    try (NpyBlockWriter w = NpyBlockWriter.open(f, new long[] {3, 4, 2})) {
      assertEquals(24, w.valueCount());
      for (int first : new int[] {2, 0}) {
        for (int node = 2; node >= 0; node--) {
          float[] batch = new float[4];
          System.arraycopy(expected, (node * 4 + first) * 2, batch, 0, 4);
          w.write((node * 4L + first) * 2, batch, 0, 4);
        }
      }
      w.commit();
    }
    NpyArray a = Npy.read(f);
    assertArrayEquals(new int[] {3, 4, 2}, a.shape());
    assertArrayEquals(expected, a.data(), 0f);
  }

  @Test
  void blocksLargerThanTheTransferBufferArriveWhole() throws IOException {
    Path f = dir.resolve("big.npy");
    float[] data = new float[300_000]; // 1.2 MB: several trips through the 256 KiB buffer
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) Math.sin(i);
    }
    try (NpyBlockWriter w = NpyBlockWriter.open(f, new long[] {2, 150_000})) {
      w.write(150_000, data, 150_000, 150_000);
      w.write(0, data, 0, 150_000);
      w.commit();
    }
    assertArrayEquals(data, Npy.read(f).data(), 0f);
  }

  @Test
  void anIncompleteArrayIsNotCommittedAndNothingIsLeft() throws IOException {
    Path f = dir.resolve("part.npy");
    try (NpyBlockWriter w = NpyBlockWriter.open(f, new long[] {2, 3})) {
      w.write(0, new float[] {1, 2, 3}, 0, 3);
      IllegalStateException e = assertThrows(IllegalStateException.class, w::commit);
      assertEquals("3 of the 6 values were written", e.getMessage());
      IllegalArgumentException out =
          assertThrows(IllegalArgumentException.class, () -> w.write(4, new float[3], 0, 3));
      assertEquals("3 values at index 4 do not fit an array of 6", out.getMessage());
    }
    assertFalse(Files.exists(f));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "the temporary file is deleted");
    }
  }
}
