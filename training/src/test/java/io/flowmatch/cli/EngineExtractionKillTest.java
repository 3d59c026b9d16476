package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.LibUtils;
import io.flowmatch.inference.runtime.ExtractionOrphans;
import io.flowmatch.training.TestEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a {@code train} while DJL extracts PyTorch's natives into an empty engine
 * cache (a child JVM with its home and temp folders redirected into the test's folder): DJL leaves
 * a {@code tmp*} folder with part of the 450 MB in the cache, and the next {@code train} removes
 * it. (The next run finds the natives already in place, linked from this JVM's cache, so that the
 * test does not extract 450 MB a second time.)
 */
class EngineExtractionKillTest {
  @TempDir Path dir;

  private ProcessBuilder train(Path home, Path tmp, String out, String log) {
    ProcessBuilder pb =
        new ProcessBuilder(
                TrainRuns.childJvm(
                    List.of("-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp),
                    TrainRuns.tiny(
                        dir.resolve(out).toString(),
                        1,
                        "--threads",
                        "1",
                        "--no-export",
                        "--quiet")))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile());
    pb.environment().put("HOME", home.toString());
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().remove("DJL_CACHE_DIR");
    pb.environment().remove("ENGINE_CACHE_DIR");
    return pb;
  }

  private static List<Path> extractionTemps(Path cache) throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(cache, 2)) {
      return s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.matches("tmp\\d+") || n.matches("jni\\d+tmp");
              })
          .toList();
    }
  }

  private static long bytesIn(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(q -> q.toFile().length()).sum();
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  @Test
  void aTrainKilledDuringTheEngineExtractionLeavesNothingAfterTheNextRun() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path cache = home.resolve(".djl.ai/pytorch");

    Process p = train(home, tmp, "killed", "killed.log").start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
    Path orphan = null;
    while (orphan == null) {
      assertTrue(
          p.isAlive(), "the child ended early: " + Files.readString(dir.resolve("killed.log")));
      assertTrue(System.nanoTime() < deadline, "DJL did not start extracting in 180 s");
      for (Path t : extractionTemps(cache)) {
        if (bytesIn(t) > 0) {
          orphan = t;
        }
      }
      Thread.sleep(5);
    }
    p.destroyForcibly(); // SIGKILL, with part of the natives copied
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertTrue(Files.exists(orphan), "the kill landed before DJL finished: " + orphan);
    System.out.println(
        "killed during DJL's extraction, left: "
            + cache.relativize(orphan)
            + " ("
            + bytesIn(orphan)
            + " bytes)");

    // the natives in place, as a completed extraction leaves them (links to this JVM's cache)
    TestEngine.oneThread();
    Path natives = Path.of(LibUtils.getLibtorchPath());
    Path version = Files.createDirectories(cache.resolve(natives.getFileName().toString()));
    try (Stream<Path> files = Files.list(natives)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.createSymbolicLink(version.resolve(f.getFileName().toString()), f);
      }
    }
    Thread.sleep(ExtractionOrphans.QUIET_MILLIS + 200); // nothing writes into the orphan any more

    try {
      Process next = train(home, tmp, "next", "next.log").start();
      assertTrue(next.waitFor(300, TimeUnit.SECONDS), "the next train ends");
      assertEquals(0, next.exitValue(), Files.readString(dir.resolve("next.log")));
      assertEquals(List.of(), extractionTemps(cache), "the next run removed the orphan");
    } finally {
      try (Stream<Path> links = Files.list(version)) {
        for (Path l : links.toList()) {
          Files.delete(l); // the links, never what they point to
        }
      }
    }
  }
}
