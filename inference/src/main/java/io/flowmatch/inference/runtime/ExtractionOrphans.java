package io.flowmatch.inference.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Removes what native-library extraction left behind in processes that were killed while they
 * extracted: ONNX Runtime's {@code onnxruntime-java*} folders in the temp folder (28 MB each) and
 * DJL's {@code tmp*} folders and {@code jni*tmp} files in its engine cache (up to 450 MB: PyTorch
 * takes tens of seconds to extract on a loaded machine). Neither library cleans up after a {@code
 * kill -9}, and neither names its folders after its process, so an entry counts as an orphan only
 * when it is provably nobody's: owned by this user, no file in it open or mapped by any process
 * ({@code /proc/PID/fd}, {@code /proc/PID/maps}: a live extraction holds the file it writes open, a
 * live process keeps the libraries it loaded mapped), and nothing in it changed for {@link
 * #QUIET_MILLIS} (the moment between two files of a live extraction). Without {@code /proc} (not
 * Linux) nothing is removed.
 */
public final class ExtractionOrphans {
  /** How long an entry must have been left untouched before it can be an orphan. */
  public static final long QUIET_MILLIS = 5_000;

  private static final Path PROC = Path.of("/proc");

  private ExtractionOrphans() {}

  /**
   * Removes the orphans among the entries of {@code folder} that {@code candidate} accepts.
   *
   * @return the entries removed
   */
  public static List<Path> sweep(Path folder, Predicate<Path> candidate) {
    List<Path> found = candidates(folder, candidate);
    if (found.isEmpty() || !Files.isDirectory(PROC.resolve("self/fd"))) {
      return List.of();
    }
    Set<Path> busy = inUse(found);
    List<Path> removed = new ArrayList<>();
    for (Path p : found) {
      if (!busy.contains(p) && deleteTree(p)) {
        removed.add(p);
      }
    }
    return removed;
  }

  /** Entries of {@code folder} accepted by {@code candidate}, owned by this user and quiet. */
  private static List<Path> candidates(Path folder, Predicate<Path> candidate) {
    List<Path> found = new ArrayList<>();
    Path real;
    try {
      real = folder.toRealPath(); // /proc names files by their real paths
    } catch (IOException e) {
      return found;
    }
    String user = System.getProperty("user.name");
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(real)) {
      for (Path p : entries) {
        try {
          if (candidate.test(p)
              && !Files.isSymbolicLink(p)
              && Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName().equals(user)
              && now - lastChange(p) >= QUIET_MILLIS) {
            found.add(p);
          }
        } catch (IOException | RuntimeException e) {
          // vanished or unreadable: not ours to remove
        }
      }
    } catch (IOException e) {
      // an unreadable folder holds nothing we can remove
    }
    return found;
  }

  /** The newest modification time of the entry and, for a folder, of everything in it. */
  private static long lastChange(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      return s.map(
              q -> {
                try {
                  return Files.readAttributes(
                          q, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                      .lastModifiedTime();
                } catch (IOException e) {
                  return FileTime.fromMillis(Long.MAX_VALUE); // changing under us: not quiet
                }
              })
          .max(Comparator.naturalOrder())
          .map(FileTime::toMillis)
          .orElse(Long.MAX_VALUE);
    }
  }

  /** The candidates that some process has a file open or mapped in. */
  private static Set<Path> inUse(List<Path> candidates) {
    Set<Path> busy = new HashSet<>();
    List<Path> pids = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC)) {
      for (Path p : procs) {
        if (p.getFileName().toString().chars().allMatch(Character::isDigit)) {
          pids.add(p);
        }
      }
    } catch (IOException e) {
      busy.addAll(candidates); // cannot tell: remove nothing
      return busy;
    }
    for (Path pid : pids) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(pid.resolve("fd"))) {
        for (Path fd : fds) {
          try {
            mark(Files.readSymbolicLink(fd).toString(), candidates, busy);
          } catch (IOException | RuntimeException e) {
            // closed meanwhile
          }
        }
      } catch (IOException | RuntimeException e) {
        // another user's process (it cannot write into our folders) or one that just ended
      }
      try (BufferedReader maps = Files.newBufferedReader(pid.resolve("maps"))) {
        String line;
        while ((line = maps.readLine()) != null) {
          int slash = line.indexOf('/');
          if (slash >= 0) {
            mark(line.substring(slash), candidates, busy);
          }
        }
      } catch (IOException | RuntimeException e) {
        // as above
      }
    }
    return busy;
  }

  private static void mark(String file, List<Path> candidates, Set<Path> busy) {
    for (Path c : candidates) {
      String prefix = c.toString();
      if (file.equals(prefix) || file.startsWith(prefix + "/")) {
        busy.add(c);
      }
    }
  }

  private static boolean deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
