package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.training.TestEngine;
import io.flowmatch.training.train.RunFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in {@code train}: a child JVM runs a long training, gets SIGINT, writes a checkpoint and
 * says in one line at which step and how to resume; the resume command it names then continues from
 * that step. Child JVMs also show that a train prints no PyTorch deprecation warning, in float32
 * and with a float16 working copy.
 */
class TrainInterruptTest {
  @TempDir Path tmp;

  private static final Pattern MESSAGE =
      Pattern.compile(
          "train: interrupted; checkpoint at step (\\d+); resume with: flowmatch train --out (.+)"
              + " --resume");

  @Test
  void ctrlCSavesACheckpointSaysHowToResumeAndTheResumeContinues() throws Exception {
    Path run = tmp.resolve("run");
    Process p =
        new ProcessBuilder(
                childJvm(
                    TrainRuns.tiny(
                        run.toString(),
                        1000000,
                        "--checkpoint-every",
                        "1000000",
                        "--threads",
                        "1",
                        "--no-export")))
            .redirectOutput(tmp.resolve("stdout.txt").toFile())
            .redirectError(tmp.resolve("stderr.txt").toFile())
            .start();
    // wait until the loop runs: the start line is printed just before it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(tmp.resolve("stdout.txt")).contains(", step 0 ")) {
      assertTrue(
          p.isAlive(), "the child ended early: " + Files.readString(tmp.resolve("stderr.txt")));
      assertTrue(System.nanoTime() < deadline, "training did not start in 120 s");
      Thread.sleep(100);
    }
    Thread.sleep(1000); // some steps done
    assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends on SIGINT");
    assertEquals(130, p.exitValue(), "exit status of an interrupted run (128 + SIGINT)");
    // PyTorch's "AutoNonVariableTypeMode is deprecated" warning (DJL's NDArray.set(Buffer)) is gone
    String stderr = Files.readString(tmp.resolve("stderr.txt"), StandardCharsets.UTF_8);
    assertTrue(!stderr.contains("AutoNonVariableTypeMode"), stderr);

    // the one line, among whatever else the native libraries print
    List<String> said =
        Files.readAllLines(tmp.resolve("stderr.txt"), StandardCharsets.UTF_8).stream()
            .filter(l -> l.contains("interrupted"))
            .toList();
    assertEquals(1, said.size(), said.toString());
    Matcher m = MESSAGE.matcher(said.get(0));
    assertTrue(m.matches(), said.get(0));
    long step = Long.parseLong(m.group(1));
    assertTrue(step > 0, "steps were done before the interrupt: " + step);
    assertEquals(run.toString(), m.group(2));
    assertEquals(step, RunFolder.open(run).state().step(), "the checkpoint is at that step");

    // the resume command as printed, with a few more steps, continues from there
    TestEngine.oneThread();
    CliRun r =
        CliRun.run(
            "train",
            "--out",
            m.group(2),
            "--resume",
            "--steps",
            Long.toString(step + 3),
            "--quiet",
            "--no-export");
    assertEquals(0, r.code(), r.err());
    assertEquals(step + 3, RunFolder.open(run).state().step());
  }

  /**
   * The deprecation warning stays away with a float16 working copy too, whose refresh from the
   * float32 masters after every step used to be DJL's {@code NDArray.set(Buffer)}.
   */
  @Test
  void fp16AlwaysTrainPrintsNoDeprecationWarning() throws Exception {
    Path run = tmp.resolve("fp16");
    Process p =
        new ProcessBuilder(
                childJvm(
                    TrainRuns.tiny(
                        run.toString(),
                        3,
                        "--precision",
                        "fp16-always",
                        "--threads",
                        "1",
                        "--no-export")))
            .redirectOutput(tmp.resolve("fp16-stdout.txt").toFile())
            .redirectError(tmp.resolve("fp16-stderr.txt").toFile())
            .start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "a 3-step train ends");
    String stderr = Files.readString(tmp.resolve("fp16-stderr.txt"), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), stderr);
    String stdout = Files.readString(tmp.resolve("fp16-stdout.txt"), StandardCharsets.UTF_8);
    assertTrue(stdout.contains("fp16-always"), "the run trained in float16: " + stdout);
    assertEquals(3, RunFolder.open(run).state().step());
    assertTrue(!stderr.contains("AutoNonVariableTypeMode"), stderr);
  }

  /** The command line of a child JVM running the CLI with this test's class path. */
  private static List<String> childJvm(String... args) {
    List<String> cmd = new ArrayList<>();
    // a test run started in the background of a script inherits an ignored SIGINT, and a JVM keeps
    // an inherited ignore: restore the default so the child sees Ctrl-C as a user's shell sends it
    cmd.addAll(List.of("env", "--default-signal=INT,TERM"));
    cmd.addAll(TrainRuns.childJvm(List.of("-Dflowmatch.progress.every=0"), args));
    return cmd;
  }
}
