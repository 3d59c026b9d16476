package io.flowmatch.inference.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Hostile input files, made from valid ones by seeded mutations (truncation, flips, headers). */
final class HostileFiles {
  private HostileFiles() {}

  /** A valid grayscale PNG. */
  static byte[] validPng(int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.getRaster().setSample(x, y, 0, (x * 31 + y * 17) & 0xff);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** A small PNG whose header announces w×h grayscale pixels (its data holds one row). */
  static byte[] pngHeader(int w, int h) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).order(ByteOrder.BIG_ENDIAN);
    ihdr.putInt(w).putInt(h).put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
    Deflater d = new Deflater();
    d.setInput(new byte[Math.min(w + 1, 1 << 16)]);
    d.finish();
    byte[] buf = new byte[1 << 17];
    int n = d.deflate(buf);
    chunk(out, "IDAT", Arrays.copyOf(buf, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
      throws IOException {
    out.write(ByteBuffer.allocate(4).putInt(data.length).array());
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.write(t);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** A float32 .npy of the given shape (version 1.0 header). */
  static byte[] npy(String shape, int values) {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    return npyWith(dict, values);
  }

  static byte[] npyWith(String dict, int values) {
    StringBuilder h = new StringBuilder(dict);
    while ((10 + h.length() + 1) % 64 != 0) {
      h.append(' ');
    }
    h.append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + hb.length + 4 * values).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) hb.length).put(hb);
    for (int i = 0; i < values; i++) {
      b.putFloat((float) Math.sin(i));
    }
    return b.array();
  }

  /** A gzipped IDX image file whose header announces {@code announced} images of rows×cols. */
  static byte[] idxImages(int announced, int held, int rows, int cols) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(
        ByteBuffer.allocate(16).putInt(0x803).putInt(announced).putInt(rows).putInt(cols).array());
    raw.write(new byte[held * rows * cols]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(raw.toByteArray());
    }
    return gz.toByteArray();
  }

  /** A gzipped IDX label file announcing {@code announced} labels and holding {@code held}. */
  static byte[] idxLabels(int announced, int held) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    raw.write(ByteBuffer.allocate(8).putInt(0x801).putInt(announced).array());
    raw.write(new byte[held]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
      g.write(raw.toByteArray());
    }
    return gz.toByteArray();
  }

  /**
   * One seeded mutation of {@code valid}: a cut, flipped bytes, a 32-bit field set to a large
   * value, or garbage.
   */
  static byte[] mutate(byte[] valid, Random rnd) {
    switch (rnd.nextInt(5)) {
      case 0:
        return Arrays.copyOf(valid, rnd.nextInt(valid.length));
      case 1:
        {
          byte[] b = valid.clone();
          int flips = 1 + rnd.nextInt(8);
          for (int i = 0; i < flips; i++) {
            b[rnd.nextInt(Math.min(b.length, 256))] ^= (byte) (1 << rnd.nextInt(8));
          }
          return b;
        }
      case 2:
        {
          byte[] b = valid.clone();
          int at = rnd.nextInt(Math.max(1, Math.min(b.length, 128) - 4));
          int big = rnd.nextBoolean() ? 0x7fffffff : 2_000_000_000 + rnd.nextInt(100_000_000);
          ByteBuffer.wrap(b)
              .order(rnd.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
              .putInt(at, big);
          return b;
        }
      case 3:
        {
          byte[] b = new byte[rnd.nextInt(2048)];
          rnd.nextBytes(b);
          return b;
        }
      default:
        {
          byte[] b = Arrays.copyOf(valid, valid.length + 1 + rnd.nextInt(4096));
          for (int i = valid.length; i < b.length; i++) {
            b[i] = (byte) rnd.nextInt();
          }
          return b;
        }
    }
  }
}
