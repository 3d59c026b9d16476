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
 * What the IDX readers share (the format MNIST and Fashion-MNIST are distributed in): gzip when the
 * name ends in {@code .gz}, big-endian ints in the header, and the checks on the bytes that follow
 * it. Every problem is a {@link CorruptDataException} whose message names the file.
 */
final class IdxFile implements AutoCloseable {
  private static final int BUFFER = 1 << 16;

  final Path file;
  private final DataInputStream in;

  private IdxFile(Path file, DataInputStream in) {
    this.file = file;
    this.in = in;
  }

  /** Opens the file; a {@code .gz} name that does not hold gzip is reported as corrupt. */
  static IdxFile open(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    try {
      InputStream body =
          file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, BUFFER) : raw;
      return new IdxFile(file, new DataInputStream(body));
    } catch (java.util.zip.ZipException | EOFException e) {
      raw.close();
      throw notGzip(file, e);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Reads the magic number and {@code dims} sizes of the header.
   *
   * @param what the kind of data the magic stands for, for the message (e.g. "unsigned-byte
   *     images")
   */
  int[] header(int magic, int dims, String what) throws IOException {
    int found;
    int[] sizes = new int[dims];
    try {
      found = in.readInt();
      if (found != magic) {
        throw corrupt(
            String.format("magic number 0x%08x, expected 0x%08x (%s)", found, magic, what));
      }
      for (int i = 0; i < dims; i++) {
        sizes[i] = in.readInt();
      }
    } catch (EOFException e) {
      throw corrupt("header shorter than " + 4 * (dims + 1) + " bytes");
    } catch (java.util.zip.ZipException e) {
      throw notGzip(file, e);
    }
    return sizes;
  }

  /** Reads up to {@code length} bytes; fewer only at the end of the file. */
  int readUpTo(byte[] dst, int offset, int length) throws IOException {
    try {
      return in.readNBytes(dst, offset, length);
    } catch (java.util.zip.ZipException | EOFException e) {
      // a plain file ends with fewer bytes; only a cut gzip stream throws EOF here
      throw notGzip(file, e);
    }
  }

  /**
   * Reads {@code expected} bytes the header announced, growing the buffer only as the data arrives:
   * a header that announces more than the file holds costs what the file holds, not what it
   * announces (a 1 kB gzip claiming 2,000,000 images allocated 1.75 GB up front).
   *
   * @param shortBy the message when only the given number of bytes follow
   */
  byte[] readAnnounced(int expected, java.util.function.IntFunction<String> shortBy)
      throws IOException {
    byte[] buf = new byte[Math.min(expected, 1 << 20)];
    int got = 0;
    while (got < expected) {
      if (got == buf.length) {
        buf = java.util.Arrays.copyOf(buf, (int) Math.min(expected, 2L * buf.length));
      }
      int k = readUpTo(buf, got, buf.length - got);
      if (k == 0) {
        throw corrupt(shortBy.apply(got));
      }
      got += k;
    }
    return buf;
  }

  /** Fails when bytes are left after the {@code expected} the header announced. */
  void requireEnd(String expected) throws IOException {
    int next;
    try {
      next = in.read();
    } catch (java.util.zip.ZipException | EOFException e) {
      throw notGzip(file, e);
    }
    if (next != -1) {
      throw corrupt("more bytes than the " + expected + " the header announces");
    }
  }

  CorruptDataException corrupt(String what) {
    return new CorruptDataException("corrupt IDX file " + file + ": " + what);
  }

  private static CorruptDataException notGzip(Path file, IOException e) {
    return new CorruptDataException(
        "corrupt IDX file " + file + ": not valid gzip (" + e.getMessage() + ")");
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
