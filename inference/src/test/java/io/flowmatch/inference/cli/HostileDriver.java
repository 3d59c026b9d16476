package io.flowmatch.inference.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs hostile-input cases through {@link InferenceMain#run} in one JVM (the test starts it with a
 * small heap) and prints one result line per case: {@code id TAB exit code TAB files left in the
 * case's output folder TAB stderr with newlines escaped}.
 */
public final class HostileDriver {
  private HostileDriver() {}

  public static void main(String[] a) throws IOException {
    List<String> cases = Files.readAllLines(Path.of(a[0]), StandardCharsets.UTF_8);
    PrintStream report =
        new PrintStream(new java.io.FileOutputStream(a[1]), true, StandardCharsets.UTF_8);
    for (String line : cases) {
      String[] f = line.split("\t");
      Path outDir = Path.of(f[1]);
      String[] args = java.util.Arrays.copyOfRange(f, 2, f.length);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code;
      try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
          PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
        code = InferenceMain.run(o, e, args);
      } catch (Throwable t) {
        code = -1;
        err.writeBytes(("THROWN " + t).getBytes(StandardCharsets.UTF_8));
      }
      long left;
      try (Stream<Path> s = Files.list(outDir)) {
        left = s.count();
      }
      report.println(
          f[0]
              + "\t"
              + code
              + "\t"
              + left
              + "\t"
              + err.toString(StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\n", "\\n"));
    }
  }
}
