package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.training.TestEngine;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainConfig;
import io.flowmatch.training.train.TrainLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * train's start line, log.csv's wall-clock columns, and {@code --config} (a new run from a saved
 * one).
 */
class TrainConfigAndLogTest {
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  /** {@code train --no-export} and {@code more}, without --quiet: the tests read its start line. */
  private CliRun train(String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--no-export"));
    args.addAll(List.of(more));
    CliRun r = run(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    return r;
  }

  @Test
  void aSavedConfigStartsTheSameRunAndOptionsOverrideIt() throws Exception {
    Path a = tmp.resolve("a");
    CliRun r =
        train(
            "--data",
            "moons",
            "--steps",
            "12",
            "--batch",
            "32",
            "--width",
            "16",
            "--depth",
            "1",
            "--lr",
            "2e-3",
            "--seed",
            "3",
            "--sample-every",
            "0",
            "--threads",
            "1",
            "--out",
            a.toString());
    // the device is "cpu", not DJL's "cpu()"
    assertTrue(r.out().lines().findFirst().orElse("").endsWith(", batch 32, cpu"), r.out());

    // the same config, a new folder: the same run, loss for loss
    Path b = tmp.resolve("b");
    r = train("--config", a.resolve(RunFolder.CONFIG).toString(), "--out", b.toString());
    assertTrue(r.out().contains("step 0 → 12, batch 32"), r.out());
    List<float[]> la = TrainLog.readLosses(a.resolve(RunFolder.LOG));
    List<float[]> lb = TrainLog.readLosses(b.resolve(RunFolder.LOG));
    assertEquals(12, lb.size());
    for (int i = 0; i < la.size(); i++) {
      assertEquals(la.get(i)[1], lb.get(i)[1], "loss of step " + (i + 1));
    }
    TrainConfig ca = RunFolder.open(a).config();
    TrainConfig cb = RunFolder.open(b).config();
    assertEquals(ca.toJson(), cb.toJson());

    // options given replace the file's values; the rest stay
    Path c = tmp.resolve("c");
    train(
        "--config",
        a.resolve(RunFolder.CONFIG).toString(),
        "--steps",
        "5",
        "--lr",
        "5e-4",
        "--depth",
        "2",
        "--out",
        c.toString());
    TrainConfig cc = RunFolder.open(c).config();
    assertEquals(5, cc.steps());
    assertEquals(5e-4, cc.lr());
    assertEquals(2, cc.model().depth());
    assertEquals(16, cc.model().width());
    assertEquals(32, cc.batch());
    assertEquals(3, cc.seed());
    assertEquals(ca.warmup(), cc.warmup());
    assertEquals("moons", cc.dataset());

    // another data set drops the old one's shape and range
    Path d = tmp.resolve("d");
    train(
        "--config",
        a.resolve(RunFolder.CONFIG).toString(),
        "--data",
        "checkerboard",
        "--steps",
        "2",
        "--out",
        d.toString());
    assertEquals("checkerboard", RunFolder.open(d).config().dataset());

    CliRun bad =
        run(
            "train",
            "--config",
            tmp.resolve("none.json").toString(),
            "--out",
            tmp.resolve("e").toString());
    assertEquals(2, bad.code());
    assertEquals(
        "flowmatch train: --config "
            + tmp.resolve("none.json")
            + " is not a file (expected a run's config.json)",
        bad.err().strip());
    bad =
        run(
            "train",
            "--config",
            a.resolve(RunFolder.CONFIG).toString(),
            "--resume",
            "--out",
            a.toString());
    assertEquals(2, bad.code());
    assertTrue(
        bad.err().startsWith("flowmatch train: --resume and --config exclude each other"),
        bad.err());
    assertFalse(Files.exists(tmp.resolve("e")));
  }

  @Test
  void logCsvHasWallClockColumnsThatContinueOnResume() throws Exception {
    Path a = tmp.resolve("log");
    train(
        "--data",
        "moons",
        "--steps",
        "6",
        "--batch",
        "32",
        "--width",
        "16",
        "--depth",
        "1",
        "--checkpoint-every",
        "3",
        "--sample-every",
        "0",
        "--threads",
        "1",
        "--out",
        a.toString());
    train("--out", a.toString(), "--resume", "--steps", "9");
    List<String> lines = Files.readAllLines(a.resolve(RunFolder.LOG), StandardCharsets.UTF_8);
    assertEquals("step,loss,lr,loss_scale,samples_per_s,skipped,elapsed_s,utc", lines.get(0));
    assertEquals(10, lines.size());
    double previous = 0;
    Instant first = null;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertEquals(8, f.length, line);
      double elapsed = Double.parseDouble(f[6]);
      assertTrue(elapsed > 0 && elapsed >= previous, line + " after " + previous);
      previous = elapsed;
      Instant t = Instant.parse(f[7]);
      first = first == null ? t : first;
      assertFalse(t.isBefore(first), line);
    }
    // the first six columns read as before
    assertEquals(9, TrainLog.readLosses(a.resolve(RunFolder.LOG)).size());
  }
}
