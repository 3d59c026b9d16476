package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults and side effects in child processes running the real CLI: SIGINT and SIGTERM during {@code
 * sample --save-npy} leave no temporary or partial file, a {@code kill -9} orphan is removed by the
 * next run to the same target, and a run writes nothing outside its outputs (no telemetry under the
 * home folder, no folder in the temp folder).
 */
class SignalAndSideEffectTest {
  @TempDir static Path models;
  static String gauss;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("gauss.onnx"), new int[] {2}, 1f, 0.5f, true).toString();
  }

  private ProcessBuilder child(Path target, String... env) {
    // a test run started in the background of a script inherits an ignored SIGINT, and a JVM
    // keeps an inherited ignore: restore the default, as a user's shell has it
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM"));
    cmd.addAll(ChildJvm.java());
    cmd.addAll(
        List.of(
            InferenceMain.class.getName(),
            "sample",
            "--model",
            gauss,
            "--n",
            "100000000",
            "--batch",
            "1000",
            "--steps",
            "2",
            "--quiet",
            "--save-npy",
            target.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile());
    for (int i = 0; i + 1 < env.length; i += 2) {
      pb.environment().put(env[i], env[i + 1]);
    }
    return pb;
  }

  /** Starts a long sample and waits until its temporary file exists (it is writing). */
  private Process startWriting(Path target) throws Exception {
    Process p = child(target).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (temps(target.getParent()).isEmpty()) {
      assertTrue(
          p.isAlive(), "the child ended early: " + Files.readString(dir.resolve("child.log")));
      assertTrue(System.nanoTime() < deadline, "no temporary file after 60 s");
      Thread.sleep(50);
    }
    Thread.sleep(300); // some batches written
    return p;
  }

  private static List<Path> temps(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(q -> q.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(q -> q.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void sigintAndSigtermLeaveNoTemporaryFile() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path target = out.resolve("big.npy");
    for (String signal : new String[] {"INT", "TERM"}) {
      Process p = startWriting(target);
      assertEquals(
          0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child ends on SIG" + signal);
      assertEquals(List.of(), names(out), "SIG" + signal + " leaves nothing");
    }
  }

  @Test
  void killMinusNineOrphanIsRemovedByTheNextRun() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path target = out.resolve("big.npy");
    Process p = startWriting(target);
    p.destroyForcibly();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, temps(out).size(), "kill -9 leaves its temporary file");
    Run r =
        SampleCommandTest.run(
            "sample",
            "--model",
            gauss,
            "--n",
            "8",
            "--steps",
            "2",
            "--save-npy",
            target.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("big.npy"), names(out), "the orphan is gone");
  }

  @Test
  void aRunWritesNothingOutsideItsOutputs() throws Exception {
    // as the flowmatch launcher runs it (ORT_DISABLE_TELEMETRY=1); without that variable ORT's
    // start-up still creates an (event-free, telemetry being off) store, .ses and a debug log
    for (boolean launcherEnv : new boolean[] {true}) {
      Path home = Files.createDirectories(dir.resolve("home-" + launcherEnv));
      Path tmp = Files.createDirectories(dir.resolve("tmp-" + launcherEnv));
      Path out = Files.createDirectories(dir.resolve("out-" + launcherEnv));
      ProcessBuilder pb =
          ChildJvm.cli(
              home,
              tmp,
              dir.resolve("side.log"),
              "sample",
              "--model",
              gauss,
              "--n",
              "16",
              "--steps",
              "2",
              "--save-npy",
              out.resolve("o.npy").toString());
      pb.environment().remove("XDG_CACHE_HOME");
      if (!launcherEnv) {
        pb.environment()
            .remove("ORT_DISABLE_TELEMETRY"); // ChildJvm.cli sets it as the launcher does
      }
      Process p = pb.start();
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), Files.readString(dir.resolve("side.log")));
      assertEquals(List.of("o.npy"), names(out));
      assertEquals(
          List.of(), names(tmp), "nothing in the temp folder (ORT's extraction folder is removed)");
      assertFalse(
          Files.exists(Path.of("/tmp/mat-debug-" + p.pid() + ".log")) && launcherEnv,
          "no ORT debug log");
      if (launcherEnv) {
        assertEquals(List.of(), names(home), "nothing under the home folder");
      } else {
        // ORT's start-up still creates its store, but with telemetry off it records no event:
        // the model's file name appears nowhere under the home folder
        try (Stream<Path> s = Files.walk(home)) {
          for (Path f : s.filter(Files::isRegularFile).toList()) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("gauss.onnx"), f + " records the model");
          }
        }
        Files.deleteIfExists(Path.of("/tmp/mat-debug-" + p.pid() + ".log"));
      }
    }
  }
}
