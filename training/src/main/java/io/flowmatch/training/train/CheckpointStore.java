package io.flowmatch.training.train;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a run's checkpoint folder atomically. The files are written and synced into {@code
 * checkpoint.tmp/}; then {@code checkpoint/} is renamed to {@code checkpoint.old/}, the new folder
 * renamed into place, and the old one deleted. At every instant one complete checkpoint exists
 * under one of the two names, and {@link #recover} restores the name after a crash between the two
 * renames. A write that fails leaves the previous checkpoint untouched.
 */
public final class CheckpointStore {
  public static final String CURRENT = "checkpoint";
  public static final String TEMP = "checkpoint.tmp";
  public static final String OLD = "checkpoint.old";

  /** Writes one file of a checkpoint. */
  @FunctionalInterface
  public interface Part {
    void write(DataOutputStream out) throws IOException;
  }

  private final Path runDir;

  public CheckpointStore(Path runDir) {
    this.runDir = runDir;
  }

  public Path current() {
    return runDir.resolve(CURRENT);
  }

  /**
   * Writes a checkpoint made of the given files (name → writer), replacing the current one only
   * once every file is complete on disk.
   */
  public void write(Map<String, Part> parts) throws IOException {
    recover();
    Path tmp = runDir.resolve(TEMP);
    deleteTree(tmp);
    try {
      Files.createDirectories(tmp);
      for (Map.Entry<String, Part> e : new LinkedHashMap<>(parts).entrySet()) {
        Path file = tmp.resolve(e.getKey());
        try (OutputStream os = Files.newOutputStream(file);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
          e.getValue().write(out);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(tmp);
      throw e;
    }
    Path cur = current();
    Path old = runDir.resolve(OLD);
    if (Files.exists(cur)) {
      Files.move(cur, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(tmp, cur, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
  }

  /**
   * Repairs the state a crash may leave: a half-written {@code checkpoint.tmp/} is dropped, and a
   * {@code checkpoint.old/} without a {@code checkpoint/} becomes the checkpoint again.
   */
  public void recover() throws IOException {
    Path cur = current();
    Path old = runDir.resolve(OLD);
    if (!Files.exists(cur) && Files.isDirectory(old)) {
      Files.move(old, cur, StandardCopyOption.ATOMIC_MOVE);
    }
    deleteTree(old);
    deleteTree(runDir.resolve(TEMP));
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static void deleteQuietly(Path dir) {
    try {
      deleteTree(dir);
    } catch (IOException ignored) {
      // the next write or recover() removes it
    }
  }
}
