package io.flowmatch.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  /** The header numpy.save writes for a (3, 2) float32 array, byte for byte. */
  @Test
  void headerMatchesNumpy() {
    byte[] b = Npy.toBytes(new int[] {3, 2}, new float[6], NpyDtype.FLOAT32);
    assertEquals(128 + 24, b.length);
    assertEquals((byte) 0x93, b[0]);
    assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
    assertEquals(1, b[6]);
    assertEquals(0, b[7]);
    assertEquals(118, (b[8] & 0xff) | (b[9] & 0xff) << 8);
    String dict = new String(b, 10, 118, StandardCharsets.US_ASCII);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", dict.trim());
    assertEquals('\n', dict.charAt(117));
  }

  @Test
  void roundTripsShapesIncludingScalarAndVector() throws IOException {
    int[][] shapes = {{5, 2}, {3, 1, 4, 4}, {7}, {}, {0, 3}};
    for (int[] shape : shapes) {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      float[] data = new float[n];
      for (int i = 0; i < n; i++) {
        data[i] = (float) Math.sin(i) * 3 - 0.25f * i;
      }
      Path p = dir.resolve("a" + shape.length + ".npy");
      Npy.write(p, shape, data);
      assertEquals(0, (Files.size(p) - 4L * n) % 64, "data starts at a multiple of 64");
      NpyArray back = Npy.read(p);
      assertArrayEquals(shape, back.shape());
      assertArrayEquals(data, back.data());
    }
    assertNoTempFiles();
  }

  @Test
  void readsFloat16AndFloat64AndBigEndian() throws IOException {
    float[] data = {0f, 1f, -2.5f, 65504f, 1e-3f, 3.14159f};
    Path f16 = dir.resolve("h.npy");
    Npy.write(f16, new int[] {2, 3}, data, NpyDtype.FLOAT16);
    NpyArray h = Npy.read(f16);
    for (int i = 0; i < data.length; i++) {
      assertEquals(Float16.round(data[i]), h.data()[i]);
    }
    Path f64 = dir.resolve("d.npy");
    Npy.write(f64, new int[] {6}, data, NpyDtype.FLOAT64);
    assertArrayEquals(data, Npy.read(f64).data());

    ByteBuffer be = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-7f);
    Path big =
        write(
            "big.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", be.array());
    assertArrayEquals(new float[] {1.5f, -7f}, Npy.read(big).data());
  }

  @Test
  void readsVersion2And3Headers() throws IOException {
    ByteBuffer le = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    le.putFloat(1).putFloat(2).putFloat(3);
    for (int major : new int[] {2, 3}) {
      Path p =
          write(
              "v" + major + ".npy",
              major,
              "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (3, 1L)}",
              le.array());
      NpyArray a = Npy.read(p);
      assertArrayEquals(new int[] {3, 1}, a.shape());
      assertArrayEquals(new float[] {1, 2, 3}, a.data());
    }
  }

  @Test
  void badFilesGiveOneLineErrorsNamingTheFile() throws IOException {
    Path magic = dir.resolve("magic.npy");
    Files.write(magic, "PK\u0003\u0004 this is a zip".getBytes(StandardCharsets.ISO_8859_1));
    assertError(magic, "magic.npy: not a NumPy .npy file (bad magic bytes)");

    Path fortran =
        write(
            "f.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
    assertError(
        fortran,
        "f.npy: Fortran-order arrays are not supported, expected C order (numpy.ascontiguousarray)");

    Path ints =
        write(
            "i.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", new byte[16]);
    assertError(
        ints,
        "i.npy: unsupported dtype '<i8', expected <f4 (float32), <f2 (float16) or <f8 (float64)");

    Path shortFile =
        write(
            "s.npy",
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }",
            new byte[20]);
    assertError(shortFile, "s.npy: shape (3, 2) of float32 needs 24 data bytes, the file has 20");

    Path version =
        write("v.npy", 4, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    assertError(version, "v.npy: unsupported .npy format version 4.0, expected 1.0, 2.0 or 3.0");

    Path malformed =
        write(
            "m.npy",
            1,
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3, x), }",
            new byte[12]);
    assertError(
        malformed,
        "m.npy: malformed .npy header: expected a non-negative integer in the shape at character 54 near 'x), }'");

    Path missingKey = write("k.npy", 1, "{'descr': '<f4', 'shape': (3,), }", new byte[12]);
    assertError(
        missingKey,
        "k.npy: .npy header needs 'descr' (string), 'fortran_order' (bool) and 'shape' (tuple), got {'descr': '<f4', 'shape': (3,), }");

    Path truncated = dir.resolve("t.npy");
    Files.write(truncated, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
    assertError(truncated, "t.npy: truncated .npy header (1 of 100 bytes)");
  }

  @Test
  void readsRowRanges() throws IOException {
    float[] data = new float[10 * 3];
    for (int i = 0; i < data.length; i++) {
      data[i] = i;
    }
    Path p = dir.resolve("rows.npy");
    Npy.write(p, new int[] {10, 3}, data);
    try (NpyFile f = NpyFile.open(p)) {
      assertEquals(10, f.rows());
      assertEquals(3, f.rowSize());
      float[] dst = new float[7];
      f.readRows(4, 2, dst, 1);
      assertArrayEquals(new float[] {0, 12, 13, 14, 15, 16, 17}, dst);
      assertThrows(IndexOutOfBoundsException.class, () -> f.readRows(9, 2, new float[6], 0));
    }
  }

  @Test
  void streamWriterFixesTheShapeAtCommit() throws IOException {
    Path p = dir.resolve("out/stream.npy");
    float[] all = new float[11 * 2];
    for (int i = 0; i < all.length; i++) {
      all[i] = i * 0.5f - 3;
    }
    try (NpyStreamWriter w = NpyStreamWriter.open(p, new int[] {2})) {
      float[] batch = new float[4 * 2];
      int done = 0;
      for (int n : new int[] {4, 4, 3}) {
        System.arraycopy(all, done * 2, batch, 0, n * 2);
        w.append(batch, n);
        done += n;
      }
      assertFalse(Files.exists(p), "nothing at the target before commit");
      assertEquals(11, w.rows());
      w.commit();
    }
    NpyArray a = Npy.read(p);
    assertArrayEquals(new int[] {11, 2}, a.shape());
    assertArrayEquals(all, a.data());
    // the header was reserved for any row count and stays 64-byte aligned
    assertEquals(0, (Files.size(p) - all.length * 4L) % 64);
    assertNoTempFiles();
  }

  @Test
  void streamWriterLeavesNothingWhenNotCommitted() throws IOException {
    Path p = dir.resolve("partial.npy");
    try (NpyStreamWriter w = NpyStreamWriter.open(p, new int[] {1, 2, 2})) {
      w.append(new float[8], 2);
    }
    assertFalse(Files.exists(p));
    assertNoTempFiles();
  }

  private void assertError(Path p, String message) {
    NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(p));
    assertEquals(p.toString().replace(p.getFileName().toString(), "") + message, e.getMessage());
  }

  /** A hand-made .npy file with the given version and header text (padded to 64 bytes). */
  private Path write(String name, int major, String dict, byte[] data) throws IOException {
    int lenBytes = major == 1 ? 2 : 4;
    int prefix = 8 + lenBytes;
    int total = (prefix + dict.length() + 1 + 63) / 64 * 64;
    ByteBuffer b = ByteBuffer.allocate(total + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (lenBytes == 2) {
      b.putShort((short) (total - prefix));
    } else {
      b.putInt(total - prefix);
    }
    b.put(dict.getBytes(StandardCharsets.UTF_8));
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n').put(data);
    Path p = dir.resolve(name);
    Files.write(p, b.array());
    return p;
  }

  private void assertNoTempFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      assertTrue(
          s.noneMatch(q -> q.getFileName().toString().endsWith(".tmp")), "no temporary files left");
    }
  }
}
