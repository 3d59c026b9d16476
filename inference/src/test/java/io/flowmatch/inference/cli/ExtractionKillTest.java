package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.runtime.ExtractionOrphans;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} while ONNX Runtime extracts its native libraries (a child JVM running the real
 * CLI, with its temp and home folders redirected into the test's folder): the killed run leaves
 * ORT's {@code onnxruntime-java*} folder, and the next run removes it, while a folder whose file a
 * live process holds open, and one changed a moment ago, are kept.
 */
class ExtractionKillTest {
  @TempDir static Path models;
  static String gauss;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("gauss.onnx"), new int[] {2}, 1f, 0.5f, true).toString();
  }

  private ProcessBuilder child(Path tmp, Path home, String log) {
    return ChildJvm.cli(
        home,
        tmp,
        dir.resolve(log),
        "sample",
        "--model",
        gauss,
        "--n",
        "16",
        "--steps",
        "2",
        "--quiet",
        "--save-npy",
        dir.resolve("o.npy").toString());
  }

  private static List<Path> ortFolders(Path tmp) throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("onnxruntime-java")).toList();
    }
  }

  private static long bytesIn(Path folder) {
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | RuntimeException e) {
      return -1; // removed meanwhile
    }
  }

  @Test
  void aRunKilledDuringExtractionLeavesNothingAfterTheNextRun() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path home = Files.createDirectories(dir.resolve("home"));
    // kill points: as soon as ORT's folder exists, and once library bytes are in it
    List<String> orphans = new ArrayList<>();
    for (long minBytes : new long[] {0, 1}) {
      Path orphan = null;
      for (int attempt = 0; attempt < 5 && orphan == null; attempt++) {
        List<Path> before = ortFolders(tmp);
        Process p = child(tmp, home, "killed.log").start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Path seen = null;
        while (seen == null && p.isAlive() && System.nanoTime() < deadline) {
          for (Path f : ortFolders(tmp)) {
            if (!before.contains(f) && bytesIn(f) >= minBytes) {
              seen = f;
            }
          }
          Thread.sleep(1);
        }
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        if (seen != null && Files.exists(seen)) {
          orphan = seen;
        }
      }
      assertTrue(orphan != null, "no kill landed during the extraction in 5 attempts");
      orphans.add(orphan.getFileName() + " (" + bytesIn(orphan) + " bytes)");
    }
    System.out.println("killed during ORT's extraction, left: " + orphans);

    // what the next run must not touch: a folder whose file a live process (this JVM) holds open,
    // and one changed a moment ago (a live extraction between two files)
    Path open = Files.createDirectories(tmp.resolve("onnxruntime-java1"));
    Path young = Files.createDirectories(tmp.resolve("onnxruntime-java2"));
    Path held = Files.write(open.resolve("libonnxruntime.so"), new byte[16]);
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
    Files.setLastModifiedTime(held, old);
    Files.setLastModifiedTime(open, old);
    try (FileChannel keep = FileChannel.open(held, StandardOpenOption.READ)) {
      // the orphans become removable once nothing in them changed for the quiet period
      Thread.sleep(ExtractionOrphans.QUIET_MILLIS + 200);
      // "a moment ago" whenever the child gets to look (its start takes seconds on a loaded
      // machine): a time ahead of the clock
      Files.setLastModifiedTime(young, FileTime.fromMillis(System.currentTimeMillis() + 600_000));
      Process next = child(tmp, home, "next.log").start();
      assertTrue(next.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, next.exitValue(), Files.readString(dir.resolve("next.log")));
      assertTrue(keep.isOpen());
    }
    List<String> left = ortFolders(tmp).stream().map(p -> p.getFileName().toString()).toList();
    assertEquals(
        List.of("onnxruntime-java1", "onnxruntime-java2"),
        left.stream().sorted().toList(),
        "the next run removed the orphans and its own folder, and kept the live ones");
    assertFalse(Files.exists(home.resolve(".cache")), "nothing under the home folder");
  }
}
