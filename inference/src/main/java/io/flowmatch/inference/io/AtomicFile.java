package io.flowmatch.inference.io;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one way flowmatch writes an output file: it appears complete or not at all. Data goes to a
 * hidden temporary file in the target's folder ({@code .NAME.PID-RANDOM.tmp}), and {@link
 * #commit()} moves it into place; closing without a commit deletes the temporary file, so a failed
 * run leaves no half-written output (an older file at the target stays untouched).
 *
 * <ul>
 *   <li>Only regular files are replaced: a target that exists as a device, pipe, socket or folder
 *       is refused ({@link ErrorKind#INVALID_ARGUMENT}); a symbolic link is written through (its
 *       final regular file is replaced).
 *   <li>A file that an open {@link OutputGroup} declares as an output is handed to the group by its
 *       commit, and the group moves all of a run's outputs at its end, or none; any other file
 *       moves at its commit.
 *   <li>Temporary files still open when the JVM shuts down (SIGINT, SIGTERM) are deleted by a
 *       shutdown hook; those a killed process left (its pid no longer runs) are deleted by the next
 *       write to the same target.
 * </ul>
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
  private static final long PID = ProcessHandle.current().pid();

  /** Temporary files not yet moved into place, for the shutdown hook. */
  private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(AtomicFile::deleteLive, "flowmatch-temp-files"));
  }

  private final Path target;
  private final Path temp;
  private final OutputGroup group;
  private boolean handedOver;
  private boolean moved;

  private AtomicFile(Path target, Path temp, OutputGroup group) {
    this.target = target;
    this.temp = temp;
    this.group = group;
  }

  /**
   * Creates the target's folder if needed and an empty temporary file beside the target.
   *
   * @throws FlowmatchException ({@link ErrorKind#INVALID_ARGUMENT}) the target exists and is not a
   *     regular file, or another output of the group that declares it has the same target
   */
  public static AtomicFile create(Path target) throws IOException {
    Path abs = resolveTarget(target);
    Path dir = abs.getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    OutputGroup group = OutputGroup.declaring(abs);
    if (group != null) {
      group.claim(abs);
    }
    removeOrphans(abs);
    // Same folder as the target so the final move is a rename on one file system. Not
    // Files.createTempFile: its files are owner-only (0600), and the output would keep that mode;
    // createFile honours the umask like any other new file.
    for (int attempt = 0; ; attempt++) {
      Path temp = sibling(abs);
      try {
        LIVE.add(temp);
        Files.createFile(temp);
        AtomicFile f = new AtomicFile(abs, temp, group);
        if (group != null) {
          group.add(f);
        }
        return f;
      } catch (FileAlreadyExistsException e) {
        LIVE.remove(temp);
        if (attempt > 100) {
          throw e;
        }
      } catch (IOException | RuntimeException e) {
        LIVE.remove(temp);
        throw e;
      }
    }
  }

  /** Writes all bytes to {@code target} atomically. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, tmp -> Files.write(tmp, bytes));
  }

  /** Writes a UTF-8 text file atomically. */
  public static void writeString(Path target, String text) throws IOException {
    write(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
  }

  /** Writes a file through {@code writer} into the temporary file, then commits it. */
  public static void write(Path target, IoConsumer<Path> writer) throws IOException {
    try (AtomicFile f = create(target)) {
      writer.accept(f.temp());
      f.commit();
    }
  }

  /** A consumer that may throw {@link IOException}. */
  @FunctionalInterface
  public interface IoConsumer<T> {
    void accept(T value) throws IOException;
  }

  /** Where to write the data. */
  public Path temp() {
    return temp;
  }

  /** The final path (absolute; a symbolic link's final target). */
  public Path target() {
    return target;
  }

  /**
   * The file is complete: moves it into place now, or, for an output that an {@link OutputGroup}
   * declares, when the group commits.
   */
  public void commit() throws IOException {
    if (group != null) {
      handedOver = true;
    } else {
      moveIntoPlace();
    }
  }

  /** Whether {@link #commit()} was called (the data is complete). */
  boolean isComplete() {
    return handedOver || moved;
  }

  /** Whether the file was moved into place. */
  boolean isMoved() {
    return moved;
  }

  /**
   * Keeps the current target under a hidden name beside it, for {@link #restoreTarget}: a hard
   * link, so the target itself stays in place until the move replaces it atomically (a copy where
   * links are not supported). Returns null when there is no target yet.
   */
  Path keepTarget() throws IOException {
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Path kept = sibling(target);
    try {
      Files.createLink(kept, target);
    } catch (UnsupportedOperationException | IOException e) {
      Files.deleteIfExists(kept);
      Files.copy(target, kept, StandardCopyOption.COPY_ATTRIBUTES);
    }
    return kept;
  }

  /**
   * Undoes {@link #moveIntoPlace()}: puts the target kept by {@link #keepTarget} back, or removes
   * the target when there was none before.
   */
  void restoreTarget(Path kept) throws IOException {
    if (kept != null && !moved) {
      // the target was never replaced; a rename onto its own hard link would do nothing
      Files.deleteIfExists(kept);
    } else if (kept != null) {
      Files.move(kept, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else if (moved) {
      Files.deleteIfExists(target);
    }
    moved = false;
  }

  /** Moves the temporary file over the target (refusing a target that became non-regular). */
  void moveIntoPlace() throws IOException {
    if (moved) {
      return;
    }
    requireReplaceable(target);
    try {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    moved = true;
    LIVE.remove(temp);
  }

  /** Deletes the temporary file unless it was moved or handed to a group. */
  @Override
  public void close() throws IOException {
    if (!moved && !handedOver) {
      discard();
    }
  }

  /** Deletes the temporary file if it was not moved into place. */
  void discard() throws IOException {
    if (!moved) {
      try {
        Files.deleteIfExists(temp);
      } finally {
        LIVE.remove(temp);
      }
    }
  }

  /** The absolute target, a symbolic link followed to its final file, checked to be replaceable. */
  static Path resolveTarget(Path target) throws IOException {
    Path abs = resolve(target);
    requireReplaceable(abs);
    return abs;
  }

  /** The absolute target, a symbolic link followed to its final file (the folder's real path). */
  static Path resolve(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.isSymbolicLink(abs) && Files.exists(abs)) {
      abs = abs.toRealPath();
    } else if (abs.getParent() != null && Files.isDirectory(abs.getParent())) {
      abs = abs.getParent().toRealPath().resolve(abs.getFileName());
    }
    return abs;
  }

  /**
   * A new hidden name beside {@code target}: {@code .NAME.PID-RANDOM.tmp}, which the orphan sweep
   * recognises.
   */
  private static Path sibling(Path target) {
    return target.resolveSibling(
        "."
            + target.getFileName()
            + "."
            + PID
            + "-"
            + Long.toHexString(RANDOM.nextLong())
            + ".tmp");
  }

  static void requireReplaceable(Path abs) throws IOException {
    if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes a = Files.readAttributes(abs, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      String what =
          a.isDirectory() ? "a folder" : a.isOther() ? "a device, pipe or socket" : "not a file";
      throw new FlowmatchException(
          ErrorKind.INVALID_ARGUMENT,
          abs
              + " is "
              + what
              + ", expected a regular file (flowmatch replaces only regular files)");
    }
  }

  /**
   * Deletes temporary files of {@code target} left by processes that no longer run (killed before
   * they could clean up). A file whose pid still runs, or whose name carries no pid, is left alone:
   * it may belong to a live writer.
   */
  static void removeOrphans(Path target) {
    Path dir = target.getParent();
    String prefix = "." + target.getFileName() + ".";
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        if (!name.startsWith(prefix) || !name.endsWith(".tmp")) {
          continue;
        }
        String rest = name.substring(prefix.length(), name.length() - ".tmp".length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != PID
            && ProcessHandle.of(pid).isEmpty()
            && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      // an orphan left is only disk space; the write itself goes on
    }
  }

  private static void deleteLive() {
    for (Path p : LIVE) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // shutting down: nothing else to try
      }
    }
  }
}
