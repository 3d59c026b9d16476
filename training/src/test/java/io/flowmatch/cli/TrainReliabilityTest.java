package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.training.TestEngine;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 12's run-folder defects through {@link Main#run}; each test failed before its fix. */
class TrainReliabilityTest {
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  private static String[] small(String out, String... more) {
    String[] base = TrainRuns.tiny(out, 3, "--no-export", "--quiet");
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  // 1: --force replaces the run's files, keeps the user's, and never deletes before refusing
  @Test
  void forceReplacesTheRunAndKeepsOtherFiles() throws Exception {
    Path dir = tmp.resolve("runA");
    assertEquals(0, CliRun.run(small(dir.toString())).code());
    Files.writeString(dir.resolve("notes.txt"), "mine");
    CliRun r = CliRun.run(small(dir.toString(), "--force"));
    assertEquals(0, r.code(), r.err());
    assertTrue(
        RunFolder.holdsRun(dir) && RunFolder.open(dir).hasCheckpoint(), "a new run is in place");
    assertEquals("mine", Files.readString(dir.resolve("notes.txt")));
  }

  // 5: a new run that fails before its first checkpoint leaves no config.json; the retry works
  @Test
  void aFailedNewRunLeavesNoConfig() throws Exception {
    Path dir = tmp.resolve("huge");
    CliRun r =
        CliRun.run(
            "train",
            "--data",
            "moons",
            "--steps",
            "3",
            "--batch",
            "32",
            "--width",
            "1000000",
            "--depth",
            "2",
            "--sample-every",
            "0",
            "--no-export",
            "--quiet",
            "--out",
            dir.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("does not fit in memory"), r.err());
    assertFalse(r.err().contains("enforce fail"), r.err());
    assertFalse(Files.exists(dir), "no run folder left");
    assertEquals(0, CliRun.run(small(dir.toString())).code());
  }

  // 13: --threads and --device are saved; a resume uses them unless told otherwise
  @Test
  void threadsAndDeviceAreSavedAndOverridable() throws Exception {
    Path dir = tmp.resolve("threads");
    assertEquals(0, CliRun.run(small(dir.toString(), "--threads", "1")).code());
    TrainConfig saved =
        TrainConfig.fromJson(
            Files.readString(dir.resolve(RunFolder.CONFIG), StandardCharsets.UTF_8));
    assertEquals(1, saved.threads());
    assertEquals("cpu", saved.device());
    CliRun r =
        CliRun.run(
            "train",
            "--out",
            dir.toString(),
            "--resume",
            "--steps",
            "4",
            "--threads",
            "2",
            "--quiet",
            "--no-export");
    assertEquals(0, r.code(), r.err());
    assertEquals(2, RunFolder.open(dir).config().threads());
    assertEquals(
        1,
        CliRun.run("train", "--out", dir.toString(), "--threads", "100000", "--resume")
            .err()
            .lines()
            .count());
  }

  // 2: export never replaces a target that is not a regular file (a fifo standing in for a device)
  @Test
  void exportRefusesANonRegularTarget() throws Exception {
    Path dir = tmp.resolve("fifo-run");
    assertEquals(0, CliRun.run(small(dir.toString())).code());
    Path fifo = tmp.resolve("model.onnx");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    CliRun r = CliRun.run("export", "--run", dir.toString(), "--out", fifo.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(fifo + " is a device, pipe or socket, expected a regular file"));
    assertTrue(
        Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(fifo));
  }

  // 10: corrupt run files are named in one line
  @Test
  void corruptCheckpointFilesAreNamed() throws Exception {
    Path dir = tmp.resolve("corrupt");
    assertEquals(0, CliRun.run(small(dir.toString())).code());
    Path state = dir.resolve("checkpoint").resolve(RunFolder.STATE);
    String good = Files.readString(state);
    Files.writeString(state, "{garbage");
    CliRun r =
        CliRun.run(
            "train", "--out", dir.toString(), "--resume", "--steps", "5", "--quiet", "--no-export");
    assertEquals(2, r.code(), r.err());
    assertEquals("flowmatch train: state.json is not valid JSON for a checkpoint state\n", r.err());
    Files.writeString(state, good);
    Path params = dir.resolve("checkpoint").resolve(RunFolder.MODEL_PARAMS);
    byte[] p = Files.readAllBytes(params);
    Files.write(params, java.util.Arrays.copyOf(p, p.length / 2));
    r =
        CliRun.run(
            "train", "--out", dir.toString(), "--resume", "--steps", "5", "--quiet", "--no-export");
    assertEquals(1, r.code(), r.err());
    assertEquals(
        "flowmatch train: "
            + params
            + " is truncated (expected the parameters of the run's model)\n",
        r.err());
    Files.write(params, p);
    Files.delete(dir.resolve("checkpoint").resolve(RunFolder.OPTIMIZER));
    r =
        CliRun.run(
            "train", "--out", dir.toString(), "--resume", "--steps", "5", "--quiet", "--no-export");
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("optimizer.bin is missing"), r.err());

    // a truncated ema.params on export: one line naming the file, no model written
    Path ema = dir.resolve("checkpoint").resolve(RunFolder.EMA_PARAMS);
    byte[] e = Files.readAllBytes(ema);
    Files.write(ema, java.util.Arrays.copyOf(e, e.length / 2));
    Path onnx = tmp.resolve("m.onnx");
    r = CliRun.run("export", "--run", dir.toString(), "--out", onnx.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains(ema.toString()), r.err());
    assertFalse(r.err().contains("null"), r.err());
    assertFalse(Files.exists(onnx));
  }
}
