package io.flowmatch.inference.io;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * All output files of one run, committed together at its end: while a group is open on a thread,
 * every {@link AtomicFile} created there joins it, and its {@code commit()} only marks it complete.
 * {@link #commit()} then moves every file into place; closing the group deletes the temporary files
 * of any not moved, so a run that fails half-way commits none of its outputs. Two outputs of one
 * group may not name the same file.
 *
 * <pre>{@code
 * try (OutputGroup outputs = OutputGroup.open()) {
 *   run(); // writes through AtomicFile
 *   outputs.commit();
 * }
 * }</pre>
 */
public final class OutputGroup implements AutoCloseable {
  private static final ThreadLocal<OutputGroup> CURRENT = new ThreadLocal<>();

  private final OutputGroup previous;
  private final List<AtomicFile> files = new ArrayList<>();
  private final Set<Path> targets = new HashSet<>();
  private boolean closed;

  private OutputGroup(OutputGroup previous) {
    this.previous = previous;
  }

  /** Opens a group that the files this thread creates from now on join. */
  public static OutputGroup open() {
    OutputGroup g = new OutputGroup(CURRENT.get());
    CURRENT.set(g);
    return g;
  }

  /**
   * Suspends the current group for the files created until the returned scope closes: they are
   * committed at once (checkpoints and logs a long run must keep even if it fails later).
   */
  public static Scope direct() {
    OutputGroup g = CURRENT.get();
    CURRENT.remove();
    return () -> {
      if (g != null) {
        CURRENT.set(g);
      }
    };
  }

  /** A scope that ends without a checked exception. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** The group files created on this thread join, or null. */
  static OutputGroup current() {
    return CURRENT.get();
  }

  /** Registers a target; a second output to the same file is refused. */
  synchronized void claim(Path target) {
    if (!targets.add(target)) {
      throw new FlowmatchException(
          ErrorKind.INVALID_ARGUMENT,
          "two outputs of this run name the same file "
              + target
              + "; give each output its own file");
    }
  }

  synchronized void add(AtomicFile f) {
    files.add(f);
  }

  /** The files written so far (targets), in creation order. */
  public synchronized List<Path> targets() {
    List<Path> out = new ArrayList<>();
    for (AtomicFile f : files) {
      out.add(f.target());
    }
    return out;
  }

  /**
   * Moves every completed file into place, in the order they were created, all or none: each target
   * it replaces is first kept as a hard link (a copy where the file system has no links), and if
   * any move fails, the files already moved are taken back out and the kept targets put back, so a
   * commit that fails half-way (a vanished temporary file, a target that became a folder, a full
   * disk) leaves every target as it was.
   */
  public synchronized void commit() throws IOException {
    List<AtomicFile> pending = new ArrayList<>();
    for (AtomicFile f : files) {
      if (f.isComplete() && !f.isMoved()) {
        AtomicFile.requireReplaceable(f.target());
        pending.add(f);
      }
    }
    List<AtomicFile> moved = new ArrayList<>();
    List<Path> kept = new ArrayList<>();
    try {
      for (AtomicFile f : pending) {
        Path old = f.keepTarget();
        moved.add(f);
        kept.add(old);
        f.moveIntoPlace();
      }
    } catch (IOException | RuntimeException e) {
      for (int i = moved.size() - 1; i >= 0; i--) {
        try {
          moved.get(i).restoreTarget(kept.get(i));
        } catch (IOException | RuntimeException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
    for (Path old : kept) {
      if (old != null) {
        try {
          Files.deleteIfExists(old);
        } catch (IOException e) {
          // a hidden .tmp file: the next write to that target removes it as an orphan
        }
      }
    }
  }

  /** Deletes the temporary files of every file not moved into place, and ends the group. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AtomicFile f : files) {
      try {
        f.discard();
      } catch (IOException e) {
        // the shutdown hook or the next run's orphan sweep removes it
      }
    }
    if (CURRENT.get() == this) {
      if (previous != null) {
        CURRENT.set(previous);
      } else {
        CURRENT.remove();
      }
    }
  }
}
