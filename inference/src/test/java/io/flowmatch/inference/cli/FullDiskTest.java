package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up while a run writes its outputs: {@code sample}, {@code compare} and {@code
 * eval}, each of which writes small files (a .npy, CSV, JSON) before or beside larger ones (PNG
 * plots), run in one child JVM whose file-size limit (RLIMIT_FSIZE, set by util-linux's {@code
 * prlimit}) is above the small outputs and below the large ones. The kernel then fails a real
 * {@code write} half-way through a file, as ENOSPC does on a full disk, after other outputs are
 * complete: the run must fail in one line and commit none of them.
 *
 * <p>Why this way: it needs no root and no mount (a size-limited tmpfs does), it fails the real
 * write path rather than a hook in the code under test, and {@code /dev/full} cannot stand in for
 * one output since flowmatch refuses non-regular targets by design. HotSpot ignores SIGXFSZ, so the
 * write returns EFBIG ("File too large") instead of killing the JVM. ONNX Runtime's native
 * libraries (28 MB) are loaded from a folder extracted here, since the child could not extract them
 * under its limit.
 */
class FullDiskTest {
  static final List<String> COMMANDS = List.of("sample", "compare", "eval");

  @TempDir Path dir;

  private List<List<String>> cases(Path models, Path outs) throws IOException {
    String gauss =
        TestModels.gaussian(models.resolve("gauss.onnx"), new int[] {2}, 1f, 0.5f, true).toString();
    String checkerboard = Path.of("..", "models", "checkerboard-mlp.onnx").toString();
    Path sample = outs.resolve("sample");
    return List.of(
        List.of(
            "sample",
            "--model",
            gauss,
            "--n",
            "16",
            "--steps",
            "2",
            "--save-npy",
            sample.resolve("s.npy").toString(),
            "--out",
            sample.resolve("s.png").toString(),
            "--quiet"),
        List.of(
            "compare",
            "--model",
            gauss,
            "--n",
            "32",
            "--solvers",
            "euler:2 heun:2",
            "--no-reference",
            "--out",
            outs.resolve("compare").toString(),
            "--quiet"),
        List.of(
            "eval",
            "--model",
            checkerboard,
            "--n",
            "200",
            "--steps",
            "4",
            "--data-n",
            "400",
            "--threads",
            "1",
            "--out",
            outs.resolve("eval").toString(),
            "--quiet"));
  }

  private static List<Path> files(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(folder)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    }
  }

  @Test
  void aRunThatRunsOutOfSpaceCommitsNoneOfItsOutputs() throws Exception {
    Path models = Files.createDirectories(dir.resolve("models"));

    // the control, in this JVM without a limit: the limit is set just above each run's smallest
    // output, and must stay below each run's largest
    Path free = Files.createDirectories(dir.resolve("free"));
    for (List<String> c : cases(models, free)) {
      SampleCommandTest.Run r = SampleCommandTest.run(c.toArray(String[]::new));
      assertEquals(0, r.code(), c.get(0) + ": " + r.err());
    }
    long limit = 0;
    long largest = Long.MAX_VALUE;
    StringBuilder sizes = new StringBuilder();
    for (String command : COMMANDS) {
      long min = Long.MAX_VALUE;
      long max = 0;
      for (Path f : files(free.resolve(command))) {
        long size = Files.size(f);
        min = Math.min(min, size);
        max = Math.max(max, size);
        sizes.append(free.relativize(f)).append(' ').append(size).append("; ");
      }
      limit = Math.max(limit, min + 1);
      largest = Math.min(largest, max);
    }
    assertTrue(
        limit <= largest,
        "a limit of " + limit + " bytes lets one output of each run through, not all: " + sizes);

    // the same runs in a child JVM that cannot write a file beyond the limit
    Path outs = Files.createDirectories(dir.resolve("limited"));
    List<String> lines = new ArrayList<>();
    for (List<String> c : cases(models, outs)) {
      lines.add(c.get(0) + "\t" + outs + "\t" + String.join("\t", c));
    }
    Path caseFile = Files.write(dir.resolve("cases.tsv"), lines, StandardCharsets.UTF_8);
    Path lib = extractOrtLibraries(Files.createDirectories(dir.resolve("ort")));
    List<String> cmd = new ArrayList<>(List.of("prlimit", "--fsize=" + limit + ":" + limit));
    cmd.addAll(ChildJvm.java("-XX:+UseSerialGC", "-Donnxruntime.native.path=" + lib));
    cmd.addAll(List.of(HostileDriver.class.getName(), caseFile.toString(), "/dev/stdout"));
    // a pipe, which the limit does not cover (a file would cut the report short)
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
    Process p = pb.start();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child ends");
    assertEquals(0, p.exitValue(), output);
    List<String> results =
        output.lines().filter(l -> COMMANDS.contains(l.split("\t", 2)[0])).toList();
    assertEquals(COMMANDS.size(), results.size(), output);
    for (String r : results) {
      String[] f = r.split("\t", 4);
      String err = f.length > 3 ? f[3] : "";
      assertEquals("1", f[1], "exit code of " + r);
      assertTrue(err.endsWith("\\n") && err.indexOf("\\n") == err.length() - 2, "one line: " + r);
      assertTrue(err.contains("File too large"), "the cause is said: " + r);
      assertTrue(!err.contains("Exception") && !err.contains("\tat "), "no stack trace: " + r);
    }
    assertEquals(List.of(), files(outs), "no output and no temporary file is left");
  }

  /** ORT's two native libraries for this platform, copied out of its jar into {@code dir}. */
  private static Path extractOrtLibraries(Path dir) throws IOException {
    String arch = System.getProperty("os.arch").contains("aarch64") ? "aarch64" : "x64";
    for (String name : new String[] {"libonnxruntime.so", "libonnxruntime4j_jni.so"}) {
      String resource = "/ai/onnxruntime/native/linux-" + arch + "/" + name;
      try (InputStream in = ai.onnxruntime.OrtEnvironment.class.getResourceAsStream(resource)) {
        assertTrue(in != null, resource + " in the ONNX Runtime jar");
        Files.copy(in, dir.resolve(name));
      }
    }
    return dir;
  }
}
