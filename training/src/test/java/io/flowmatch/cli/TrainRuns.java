package io.flowmatch.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the train and CLI tests share: the smallest training run, and the CLI in a child JVM. */
final class TrainRuns {
  private TrainRuns() {}

  /**
   * {@code train} of the smallest model on moons (an MLP of width 8 and depth 1, batch 32, no
   * sample grids) for {@code steps} steps into {@code out}, then {@code more}.
   */
  static String[] tiny(String out, long steps, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "train",
                "--data",
                "moons",
                "--steps",
                Long.toString(steps),
                "--batch",
                "32",
                "--width",
                "8",
                "--depth",
                "1",
                "--sample-every",
                "0",
                "--out",
                out));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  /**
   * The command line of a child JVM running the CLI ({@link Main}) with this test run's class path:
   * 1 GiB of heap, no perf-data file, C1 only (it starts fast on a loaded machine), DJL offline,
   * then {@code options}, the main class and {@code args}.
   */
  static List<String> childJvm(List<String> options, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(
        List.of("-Xmx1g", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1", "-Dai.djl.offline=true"));
    cmd.addAll(options);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return cmd;
  }
}
