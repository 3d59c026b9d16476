package io.flowmatch.inference.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM on this test run's class path, for the tests that need the CLI in a process of its
 * own (signals, {@code kill -9}, a file-size limit, what a run leaves on disk).
 */
final class ChildJvm {
  private ChildJvm() {}

  /**
   * The java command up to the main class: 256 MiB of heap, no perf-data file, C1 only (it starts
   * fast on a loaded machine), then {@code options}, then the class path.
   */
  static List<String> java(String... options) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:-UsePerfData");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(List.of(options));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    return cmd;
  }

  /**
   * The real CLI ({@link InferenceMain} with {@code args}) with its home and temp folders
   * redirected (as system properties and as $HOME/$TMPDIR), ONNX Runtime's telemetry variable set
   * as the flowmatch launcher sets it, stdout and stderr into {@code log}.
   */
  static ProcessBuilder cli(Path home, Path tmp, Path log, String... args) {
    List<String> cmd = java("-Duser.home=" + home, "-Djava.io.tmpdir=" + tmp);
    cmd.add(InferenceMain.class.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().put("HOME", home.toString());
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
    return pb;
  }
}
