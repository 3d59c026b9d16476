package io.flowmatch.inference.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What a benchmark figure was measured on: CPU model, cores, load, this process's peak memory. */
public final class MachineInfo {
  private MachineInfo() {}

  /** The CPU's model name from /proc/cpuinfo, or "unknown cpu". */
  public static String cpuModel() {
    for (String line : lines(Path.of("/proc/cpuinfo"))) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown cpu";
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg, e.g. "6.63 7.30 7.41", or "?". */
  public static String loadAverage() {
    List<String> l = lines(Path.of("/proc/loadavg"));
    if (l.isEmpty()) {
      return "?";
    }
    String[] f = l.get(0).trim().split("\\s+");
    return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "?";
  }

  /**
   * This process's peak resident memory (VmHWM of /proc/self/status) in KiB, or −1 where the kernel
   * does not say. It is per process: compare runs as separate processes.
   */
  public static long peakResidentKib() {
    for (String line : lines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        String[] f = line.substring(6).trim().split("\\s+");
        return Long.parseLong(f[0]);
      }
    }
    return -1;
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux: the figure shows as unknown
    }
  }
}
