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
 * The declared output files of one run, committed together at its end. A run declares its outputs
 * up front ({@link #declare()}: files, and folders whose every file is an output); while its group
 * is open on a thread, every {@link AtomicFile} created there for a declared target joins it, and
 * its {@code commit()} only marks it complete. {@link #commit()} then moves every file into place;
 * closing the group deletes the temporary files of any not moved, so a run that fails half-way
 * commits none of its outputs. Opening checks first that no two declared outputs name the same
 * file; a target that is a folder, device, pipe or socket is refused when the file is created.
 *
 * <p>A file the run did not declare is not one of its outputs (a cache, a checkpoint a long run
 * keeps even if it fails later, a job's shard manifest, a scratch file): it is written atomically
 * on its own, at its {@code commit()}.
 *
 * <pre>{@code
 * try (OutputGroup outputs = OutputGroup.declare().file(png).folder(reportDir).open()) {
 *   run(); // writes through AtomicFile
 *   outputs.commit();
 * }
 * }</pre>
 */
public final class OutputGroup implements AutoCloseable {
  private static final ThreadLocal<OutputGroup> CURRENT = new ThreadLocal<>();

  private final OutputGroup previous;
  private final List<Path> declaredFiles;
  private final List<Path> declaredFolders;
  private final List<AtomicFile> files = new ArrayList<>();
  private final Set<Path> targets = new HashSet<>();
  private boolean closed;

  private OutputGroup(OutputGroup previous, List<Path> declaredFiles, List<Path> declaredFolders) {
    this.previous = previous;
    this.declaredFiles = declaredFiles;
    this.declaredFolders = declaredFolders;
  }

  /** Starts the declaration of a run's outputs. */
  public static Declaration declare() {
    return new Declaration();
  }

  /** The outputs a run declares before it starts; {@link #open()} opens its group. */
  public static final class Declaration {
    private final List<Path> files = new ArrayList<>();
    private final List<Path> folders = new ArrayList<>();

    private Declaration() {}

    /** An output file; null (an output option not given) is ignored. */
    public Declaration file(Path target) {
      if (target != null) {
        files.add(target);
      }
      return this;
    }

    /** A folder every file of which, at any depth, is an output; null is ignored. */
    public Declaration folder(Path folder) {
      if (folder != null) {
        folders.add(folder);
      }
      return this;
    }

    /** The declared files, in declaration order. */
    public List<Path> files() {
      return List.copyOf(files);
    }

    /** The declared folders, in declaration order. */
    public List<Path> folders() {
      return List.copyOf(folders);
    }

    /**
     * Opens the group on this thread, after checking the declared files.
     *
     * @throws FlowmatchException ({@link ErrorKind#INVALID_ARGUMENT}) two declared files are the
     *     same file
     * @throws IOException a declared file's folder cannot be read
     */
    public OutputGroup open() throws IOException {
      Set<Path> seen = new HashSet<>();
      for (Path f : files) {
        Path abs = AtomicFile.resolve(f);
        if (!seen.add(abs)) {
          throw sameFile(abs);
        }
      }
      OutputGroup g = new OutputGroup(CURRENT.get(), files(), folders());
      CURRENT.set(g);
      return g;
    }
  }

  private static FlowmatchException sameFile(Path target) {
    return new FlowmatchException(
        ErrorKind.INVALID_ARGUMENT,
        "two outputs of this run name the same file " + target + "; give each output its own file");
  }

  /** Whether {@code abs} (a target as {@link AtomicFile} resolves it) is declared here. */
  private boolean declares(Path abs) throws IOException {
    for (Path f : declaredFiles) {
      if (AtomicFile.resolve(f).equals(abs)) {
        return true;
      }
    }
    for (Path d : declaredFolders) {
      // as given and, once it exists, its real path: a target resolves its folder's real path
      Path folder = d.toAbsolutePath().normalize();
      if (abs.startsWith(folder)
          || Files.isDirectory(folder) && abs.startsWith(folder.toRealPath())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The open group on this thread (or an enclosing one) that declares {@code abs}, or null when the
   * file is no run's output.
   */
  static OutputGroup declaring(Path abs) throws IOException {
    for (OutputGroup g = CURRENT.get(); g != null; g = g.previous) {
      if (!g.closed && g.declares(abs)) {
        return g;
      }
    }
    return null;
  }

  /** Registers a target; a second output to the same file is refused. */
  synchronized void claim(Path target) {
    if (!targets.add(target)) {
      throw sameFile(target);
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
