package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the streaming {@code .npy} writers share: little-endian floats written at given byte
 * positions through one direct buffer (memory does not grow with the file), into an {@link
 * AtomicFile}'s temporary file that {@link #commit()} moves into place.
 */
final class FloatFile implements AutoCloseable {
  private final AtomicFile file;
  private final FileChannel channel;
  private final ByteBuffer buffer =
      ByteBuffer.allocateDirect(1 << 18).order(ByteOrder.LITTLE_ENDIAN);

  private FloatFile(AtomicFile file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file.temp(), StandardOpenOption.WRITE);
  }

  /** Starts writing {@code target} through a temporary file beside it. */
  static FloatFile open(Path target) throws IOException {
    AtomicFile f = AtomicFile.create(target);
    try {
      return new FloatFile(f);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** Writes all of {@code bytes} at byte {@code position}. */
  void writeBytes(byte[] bytes, long position) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    long pos = position;
    while (b.hasRemaining()) {
      pos += channel.write(b, pos);
    }
  }

  /** Writes {@code count} floats of {@code data}, from {@code offset}, at byte {@code position}. */
  void writeFloats(float[] data, int offset, int count, long position) throws IOException {
    long pos = position;
    int done = 0;
    while (done < count) {
      int k = Math.min(count - done, buffer.capacity() / 4);
      buffer.clear();
      buffer.asFloatBuffer().put(data, offset + done, k);
      buffer.limit(k * 4);
      while (buffer.hasRemaining()) {
        pos += channel.write(buffer, pos);
      }
      done += k;
    }
  }

  /** Flushes and closes the file and moves it to the target. */
  void commit() throws IOException {
    channel.force(false);
    channel.close();
    file.commit();
  }

  /** Deletes the partial file unless committed. */
  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      file.close();
    }
  }

  Path target() {
    return file.target();
  }
}
