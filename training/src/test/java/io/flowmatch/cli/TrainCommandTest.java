package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.data.IdxFiles;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainLog;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowmatch train} through the real entry point: exit codes and one-line messages. */
class TrainCommandTest {
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  private void assertUsage(String expectedLine, String... args) {
    CliRun r = run(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("flowmatch train: " + expectedLine, r.err().lines().findFirst().orElse(""));
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private void assertFailure(String expectedLine, String... args) {
    CliRun r = run(args);
    assertEquals(1, r.code(), r.err());
    assertEquals(
        "flowmatch train: " + expectedLine,
        r.err()
            .lines()
            .filter(l -> !l.startsWith("\r"))
            .reduce((a, b) -> b)
            .orElse("")
            .replaceAll("^.*\r", ""));
    assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
  }

  private String out(String name) {
    return tmp.resolve(name).toString();
  }

  @Test
  void trainsWritesARunFolderAndResumes() throws Exception {
    String dir = out("moons");
    CliRun r =
        run(
            "train",
            "--data",
            "moons",
            "--steps",
            "20",
            "--batch",
            "64",
            "--width",
            "32",
            "--depth",
            "2",
            "--out",
            dir,
            "--checkpoint-every",
            "10",
            "--sample-every",
            "10",
            "--quiet");
    assertEquals(0, r.code(), r.err());
    // --quiet: the result only, the last line (no start line, no export lines)
    assertTrue(
        r.out()
            .matches(
                "train: 20 steps done, last loss [0-9.]+, \\d+ samples/s \\([0-9.]+ s\\);"
                    + " EMA weights in .*ema\\.params\n"),
        r.out());
    RunFolder run = RunFolder.open(Path.of(dir));
    assertEquals(20, run.state().step());
    for (Path p :
        new Path[] {
          run.modelParams(),
          run.emaParams(),
          run.optimizerState(),
          run.stateFile(),
          run.log(),
          run.samplesDir().resolve("step-000010.png"),
          run.samplesDir().resolve("step-000020.png")
        }) {
      assertTrue(Files.isRegularFile(p), p.toString());
    }
    assertEquals("mlp", run.config().model().type());
    assertEquals(32, run.config().model().width());

    r = run("train", "--out", dir, "--resume", "--steps", "30");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .startsWith(
                "train: mlp with 3,266 parameters on moons (100,000 samples [2]), fp32, step 20 → 30, batch 64"),
        r.out());
    assertEquals(30, TrainLog.readLosses(run.log()).size());
    assertEquals(30, RunFolder.open(Path.of(dir)).config().steps());

    assertUsage(
        "--steps 10 is below the step the run has reached (30)",
        "train",
        "--out",
        dir,
        "--resume",
        "--steps",
        "10");
    r = run("train", "--out", dir, "--resume");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains("train: the run is complete at step 30; give a larger --steps to extend it"),
        r.out());
  }

  @Test
  void unknownNamesListTheValidOnes() {
    String o = out("x");
    // picocli's own text said "option option"
    assertUsage(
        "value for option '--path-param' (K=V) should be in KEY=VALUE format but was x"
            + " (try 'flowmatch train --help')",
        "train",
        "--data",
        "moons",
        "--path-param",
        "x",
        "--out",
        out("pp"));
    assertUsage(
        "unknown data set 'cifar10' (--data), expected one of moons, 8gaussians, checkerboard, spirals, circles, fashion-mnist, mnist",
        "train",
        "--data",
        "cifar10",
        "--steps",
        "5",
        "--out",
        o);
    assertUsage(
        "unknown model 'resnet' (--model), expected one of mlp, unet, dit",
        "train",
        "--data",
        "moons",
        "--model",
        "resnet",
        "--steps",
        "5",
        "--out",
        o);
    assertUsage(
        "unknown precision 'fp8', expected one of fp32, fp16, fp16-always",
        "train",
        "--data",
        "moons",
        "--precision",
        "fp8",
        "--steps",
        "5",
        "--out",
        o);
    assertUsage(
        "unknown path 'ddpm' (--path), expected one of condot, vp, cosine, polynomial",
        "train",
        "--data",
        "moons",
        "--path",
        "ddpm",
        "--steps",
        "5",
        "--out",
        o);
    assertFalse(Files.exists(tmp.resolve("x")), "nothing written on bad input");
  }

  @Test
  void badNumbersAreUsageErrors() {
    String o = out("x");
    assertUsage(
        "--steps must be a positive integer, got 0",
        "train",
        "--data",
        "moons",
        "--steps",
        "0",
        "--out",
        o);
    assertUsage(
        "--batch must be a positive integer, got -3",
        "train",
        "--data",
        "moons",
        "--steps",
        "5",
        "--batch",
        "-3",
        "--out",
        o);
    assertUsage(
        "--lr must be a positive number, got 0.0",
        "train",
        "--data",
        "moons",
        "--steps",
        "5",
        "--lr",
        "0",
        "--out",
        o);
    assertUsage(
        "--ema must lie in [0, 1), got 1.0",
        "train",
        "--data",
        "moons",
        "--steps",
        "5",
        "--ema",
        "1",
        "--out",
        o);
    assertUsage(
        "--sigma-min must lie in [0, 1), got 1.5",
        "train",
        "--data",
        "moons",
        "--steps",
        "5",
        "--sigma-min",
        "1.5",
        "--out",
        o);
    assertUsage("--steps is required for a new run", "train", "--data", "moons", "--out", o);
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void aDataFolderWithoutTheFilesNamesThemAndHowToGetThem() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertUsage(
        "data folder "
            + empty
            + " has no train-images-idx3-ubyte.gz (nor train-images-idx3-ubyte) for fashion-mnist;"
            + " install it with 'apt-get install dataset-fashion-mnist' or point --data-dir at a folder holding it",
        "train",
        "--data",
        "fashion-mnist",
        "--data-dir",
        empty.toString(),
        "--steps",
        "5",
        "--out",
        out("x"));
  }

  @Test
  void corruptIdxFilesFailWithTheReason() throws Exception {
    Path dir = tmp.resolve("bad");
    Path f = IdxFiles.write(dir, 0x00000801, 10, 28, 28, 0);
    assertFailure(
        "corrupt IDX file "
            + f
            + ": magic number 0x00000801, expected 0x00000803 (unsigned-byte images)",
        "train",
        "--data",
        "mnist",
        "--data-dir",
        dir.toString(),
        "--steps",
        "5",
        "--out",
        out("x"));
    IdxFiles.write(dir, IdxImages.MAGIC, 10, 28, 28, 5);
    assertFailure(
        "corrupt IDX file "
            + f
            + ": header announces 10 images of 28×28 (7840 bytes of pixels) but only 7835 bytes follow",
        "train",
        "--data",
        "mnist",
        "--data-dir",
        dir.toString(),
        "--steps",
        "5",
        "--out",
        out("x"));
    assertFalse(Files.exists(tmp.resolve("x")));
  }

  @Test
  void aBatchLargerThanTheDataSetIsRefused() throws Exception {
    Path dir = tmp.resolve("tiny");
    IdxFiles.write(dir, IdxImages.MAGIC, 10, 28, 28, 0);
    assertUsage(
        "--batch 16 is larger than the data set (mnist has 10 samples)",
        "train",
        "--data",
        "mnist",
        "--data-dir",
        dir.toString(),
        "--steps",
        "5",
        "--batch",
        "16",
        "--out",
        out("x"));
  }

  @Test
  void anOutputFolderHoldingARunIsRefusedUnlessResumeOrForce() throws Exception {
    String dir = out("taken");
    String[] args = TrainRuns.tiny(dir, 3, "--quiet");
    assertEquals(0, run(args).code());
    assertUsage(
        "output folder "
            + dir
            + " already holds a run; use --resume to continue it or --force to replace it",
        args);
    String[] forced = java.util.Arrays.copyOf(args, args.length + 1);
    forced[args.length] = "--force";
    assertEquals(0, run(forced).code());
    assertUsage(
        "--batch 64 (run: 32) differ from the run's config.json; a resumed run keeps its config"
            + " (only --steps, --schedule, --checkpoint-every and --sample-every may change)",
        "train",
        "--out",
        dir,
        "--resume",
        "--batch",
        "64");
    Path other = Files.createDirectories(tmp.resolve("other"));
    Files.writeString(other.resolve("notes.txt"), "mine");
    assertUsage(
        "output folder " + other + " is not empty and holds no run; choose a new or empty folder",
        "train",
        "--data",
        "moons",
        "--steps",
        "3",
        "--out",
        other.toString(),
        "--force");
    assertUsage(
        other + " holds no training run (no config.json)",
        "train",
        "--out",
        other.toString(),
        "--resume");
    assertTrue(Files.exists(other.resolve("notes.txt")));
  }

  @Test
  void aNanLossStopsAndKeepsTheLastGoodCheckpoint() throws Exception {
    String dir = out("nan");
    CliRun r =
        run(
            "train",
            "--data",
            "moons",
            "--steps",
            "10",
            "--batch",
            "32",
            "--width",
            "16",
            "--depth",
            "2",
            "--lr",
            "1e30",
            "--clip",
            "0",
            "--checkpoint-every",
            "1",
            "--sample-every",
            "0",
            "--out",
            dir,
            "--quiet");
    assertEquals(1, r.code(), r.err());
    String line = r.err().lines().reduce((a, b) -> b).orElse("");
    assertTrue(
        line.matches(
            "flowmatch train: loss became (NaN|infinite) at step (\\d+); training stopped, the last good"
                + " checkpoint \\(step \\d+\\) is kept in .*checkpoint \\(try a lower --lr\\)"),
        line);
    long failed = Long.parseLong(line.replaceAll(".* at step (\\d+);.*", "$1"));
    long kept = Long.parseLong(line.replaceAll(".*\\(step (\\d+)\\).*", "$1"));
    assertEquals(failed - 1, kept);
    assertEquals(kept, RunFolder.open(Path.of(dir)).state().step());
  }

  @Test
  void gpuWithoutCudaIsAClearFailure() {
    assertFailure(
        "--device gpu: DJL's PyTorch engine finds no CUDA device (this build loads pytorch-native-cpu); use --device cpu",
        "train",
        "--data",
        "moons",
        "--steps",
        "3",
        "--device",
        "gpu",
        "--out",
        out("x"));
    assertUsage(
        "unknown device 'tpu' (--device), expected one of cpu, gpu",
        "train",
        "--data",
        "moons",
        "--steps",
        "3",
        "--device",
        "tpu",
        "--out",
        out("x"));
    assertFalse(Files.exists(tmp.resolve("x")));
  }
}
