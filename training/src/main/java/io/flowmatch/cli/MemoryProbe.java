package io.flowmatch.cli;

import io.flowmatch.inference.perf.MachineInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Peak resident memory of a {@code flowmatch} command run in a fresh JVM: {@link #main} runs the
 * CLI and then prints this process's VmHWM, so the figure covers exactly one command. {@link
 * #measure} starts such a child process with this JVM's class path.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  static final String MARKER = "flowmatch-memory-probe vmhwm_kib=";

  /** Runs {@code flowmatch ARGS...}, then prints the VmHWM line on stderr; exits with its code. */
  public static void main(String[] args) {
    int code = Main.run(System.out, System.err, args);
    System.err.println(MARKER + MachineInfo.peakResidentKib());
    System.exit(code);
  }

  /**
   * What one child process reported.
   *
   * @param lastOutputLine its last line (the error, when it failed)
   * @param summaryLine the command's summary line ({@code sampled N × … with …}), or "" if none
   */
  public record Result(int exitCode, long peakKib, String lastOutputLine, String summaryLine) {}

  /**
   * Runs {@code flowmatch args…} in a child JVM and returns its peak resident memory.
   *
   * @param jvmOptions extra JVM options for the child (e.g. {@code -Xmx1g}); may be empty
   */
  public static Result measure(List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.add("-Dai.djl.offline=true");
    String home = System.getProperty("flowmatch.home");
    if (home != null) {
      cmd.add("-Dflowmatch.home=" + home);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(MemoryProbe.class.getName());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .directory(Path.of("").toAbsolutePath().toFile())
            .start();
    long peak = -1;
    String last = "";
    String summary = "";
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith(MARKER)) {
          peak = Long.parseLong(line.substring(MARKER.length()).trim());
        } else if (!line.isBlank()) {
          last = line;
          summary = summary.isEmpty() && line.startsWith("sampled ") ? line : summary;
        }
      }
    }
    return new Result(p.waitFor(), peak, last, summary);
  }
}
