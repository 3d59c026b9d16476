package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.training.TestEngine;
import io.flowmatch.training.train.RunFolder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C in {@code train}: a child JVM runs a long training, gets SIGINT, writes a checkpoint and
 * says in one line at which step and how to resume; the resume command it names then continues from
 * that step.
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
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1",
                "-Dai.djl.offline=true",
                "-Dflowmatch.progress.every=0",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "train",
                "--data",
                "moons",
                "--steps",
                "1000000",
                "--batch",
                "32",
                "--width",
                "8",
                "--depth",
                "1",
                "--sample-every",
                "0",
                "--checkpoint-every",
                "1000000",
                "--threads",
                "1",
                "--no-export",
                "--out",
                run.toString())
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
}
