package io.flowmatch.inference.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * An output file that appears complete or not at all: data goes to a hidden temporary file in the
 * target's folder, and {@link #commit()} moves it into place. Closing without a commit deletes the
 * temporary file, so a failed run leaves no half-written output (an older file at the target stays
 * untouched).
 *
 * <pre>{@code
 * try (AtomicFile f = AtomicFile.create(target)) {
 *   write(f.temp());
 *   f.commit();
 * }
 * }</pre>
 */
public final class AtomicFile implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final Path target;
  private final Path temp;
  private boolean committed;

  private AtomicFile(Path target, Path temp) {
    this.target = target;
    this.temp = temp;
  }

  /** Creates the target's folder if needed and an empty temporary file beside the target. */
  public static AtomicFile create(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    // Same folder as the target so the final move is a rename on one file system. Not
    // Files.createTempFile: its files are owner-only (0600), and the output would keep that mode;
    // createFile honours the umask like any other new file.
    for (int attempt = 0; ; attempt++) {
      Path temp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
      try {
        Files.createFile(temp);
        return new AtomicFile(abs, temp);
      } catch (FileAlreadyExistsException e) {
        if (attempt > 100) {
          throw e;
        }
      }
    }
  }

  /** Writes all bytes to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    try (AtomicFile f = create(target)) {
      Files.write(f.temp(), bytes);
      f.commit();
    }
  }

  /** Where to write the data. */
  public Path temp() {
    return temp;
  }

  /** The final path (absolute). */
  public Path target() {
    return target;
  }

  /** Moves the temporary file into place, replacing any older file there. */
  public void commit() throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
  }

  /** Deletes the temporary file unless it was committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      Files.deleteIfExists(temp);
    }
  }
}
