package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12's defects through the real entry point ({@link InferenceMain#run}): each test failed
 * before its fix. Every failure is one line, with the right exit code, and leaves no file.
 */
class ReliabilityCliTest {
  @TempDir static Path models;
  static String gauss;
  static String images;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("gauss.onnx"), new int[] {2}, 1f, 0.5f, true).toString();
    images =
        TestModels.gaussian(models.resolve("img.onnx"), new int[] {1, 8, 8}, 0f, 0.5f, true)
            .toString();
  }

  static void assertOneLine(int code, String contains, Run r) {
    assertEquals(code, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    assertTrue(r.err().endsWith("\n"), r.err());
    assertTrue(r.err().contains(contains), "'" + contains + "' in: " + r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
  }

  /** The folder holds exactly these names (no outputs of a failed run, no temporary files). */
  static void assertOnly(Path folder, String... names) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      assertEquals(
          List.of(names).stream().sorted().toList(),
          s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  // 2: a target that is not a regular file is never replaced
  @Test
  void nonRegularTargetIsRefusedAndKept() throws Exception {
    Path fifo = dir.resolve("fifo.npy");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Run r =
        run("sample", "--model", gauss, "--n", "4", "--steps", "2", "--save-npy", fifo.toString());
    assertOneLine(2, fifo + " is a device, pipe or socket, expected a regular file", r);
    assertTrue(
        Files.exists(fifo, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(fifo),
        "the fifo is still there");
    assertOnly(dir, "fifo.npy");
  }

  // 5: a failed run commits none of its outputs (the .npy was complete when the PNG failed)
  @Test
  void failedRunCommitsNoOutput() throws IOException {
    Path npy = dir.resolve("o.npy");
    Files.createDirectory(dir.resolve("o.png"));
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "4",
            "--steps",
            "2",
            "--save-npy",
            npy.toString(),
            "--out",
            dir.resolve("o.png").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is a folder, expected a regular file"), r.err());
    assertOnly(dir, "o.png");
  }

  // 5: a grid too large to draw fails before any model call, and writes nothing
  @Test
  void oversizedGridFailsBeforeAnyModelCall() throws IOException {
    // NaN after t = 0.5: a run that called the model would fail on that instead
    String nan = TestModels.nanAfterHalf(dir.resolve("nan.onnx"), new int[] {1, 8, 8}).toString();
    Path out = Files.createDirectory(dir.resolve("out"));
    String png = out.resolve("g.png").toString();
    String npy = out.resolve("g.npy").toString();
    Run r =
        run(
            "sample",
            "--model",
            nan,
            "--n",
            "64",
            "--steps",
            "4",
            "--upscale",
            "1000",
            "--out",
            png,
            "--save-npy",
            npy);
    // 64 tiles of 8×8 in 8 columns: (64u + 9)² pixels ≤ 2^28 for u ≤ 255
    assertOneLine(
        2,
        "--upscale 1000 is too large: the image grid of 64 samples of [1, 8, 8] would have"
            + " 4097152081 pixels, over the limit of 268435456; use --upscale 255 or less",
        r);
    assertOnly(out);
    // the control: with a grid that fits, the same run reaches the model and fails there
    Run control =
        run(
            "sample",
            "--model",
            nan,
            "--n",
            "64",
            "--steps",
            "4",
            "--upscale",
            "255",
            "--out",
            png,
            "--save-npy",
            npy);
    assertEquals(1, control.code(), control.err());
    assertFalse(control.err().contains("--upscale"), control.err());
    assertOnly(out);
  }

  // 8: a valid model with external-data initializers samples (--call-batch auto counts its FLOPs)
  @Test
  void modelWithExternalDataSamples() throws IOException {
    Path ext = Files.createDirectories(dir.resolve("ext"));
    String model = TestModels.externalFloats(ext.resolve("m.onnx"), 4).toString();
    Path out = Files.createDirectory(dir.resolve("out"));
    Run r =
        run(
            "sample",
            "--model",
            model,
            "--n",
            "4",
            "--steps",
            "2",
            "--save-npy",
            out.resolve("o.npy").toString());
    assertEquals(0, r.code(), r.err());
    assertOnly(out, "o.npy");
  }

  // 9: two outputs naming one file
  @Test
  void twoOutputsToOneFileAreRefused() throws IOException {
    Path same = dir.resolve("same.npy");
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "4",
            "--steps",
            "2",
            "--save-npy",
            same.toString(),
            "--save-trajectory",
            same.toString());
    assertOneLine(2, "two outputs of this run name the same file " + same, r);
    assertOnly(dir);
  }

  // 3: --threads is bounded
  @Test
  void threadsAreBounded() throws IOException {
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "4",
            "--threads",
            "100000",
            "--save-npy",
            dir.resolve("o.npy").toString());
    assertOneLine(2, "--threads must be at most", r);
    assertOnly(dir);
  }

  // 4: sizes checked before allocating; 10: --steps overflow said in words
  @Test
  void oversizedRequestsFailInOneLine() throws IOException {
    String npy = dir.resolve("o.npy").toString();
    assertOneLine(
        1,
        "choose a smaller batch (--batch)",
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "1000000000",
            "--batch",
            "1000000000",
            "--steps",
            "1",
            "--save-npy",
            npy));
    assertOneLine(
        1,
        "more than one Java array holds",
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "2147483647",
            "--batch",
            "2147483647",
            "--steps",
            "1",
            "--save-npy",
            npy));
    // a model whose samples declare 2·10⁹ values: one sample fits an array, not the heap
    String wide =
        TestModels.gaussian(dir.resolve("wide.onnx"), new int[] {2_000_000_000}, 0f, 1f, true)
            .toString();
    assertOneLine(
        1,
        "more than the JVM's maximum heap",
        run(
            "sample",
            "--model",
            wide,
            "--n",
            "1",
            "--batch",
            "1",
            "--steps",
            "1",
            "--save-npy",
            npy));
    Files.delete(dir.resolve("wide.onnx"));
    assertOneLine(
        2,
        "--steps must be at most 10000000, got 2147483647",
        run("sample", "--model", gauss, "--n", "4", "--steps", "2147483647", "--save-npy", npy));
    assertOneLine(
        1,
        "choose fewer --frames",
        run(
            "interpolate",
            "--model",
            gauss,
            "--a",
            "1,0",
            "--b",
            "0,1",
            "--frames",
            "2000000000",
            "--save-npy",
            npy));
    assertOnly(dir);
  }

  // 7: a PNG's size is read from its header before decoding
  @Test
  void hugePngIsRefusedFromItsHeader() throws IOException {
    Path png = dir.resolve("huge.png");
    Files.write(png, HostileFiles.pngHeader(40000, 40000));
    Run r =
        run(
            "encode",
            "--model",
            images,
            "--input",
            png.toString(),
            "--out",
            dir.resolve("z.npy").toString());
    assertOneLine(1, "huge.png is 40000×40000 pixels, expected at most 1024×1024", r);
    assertOnly(dir, "huge.png");
  }

  // 10: a corrupt PNG is named
  @Test
  void corruptPngNamesTheFile() throws IOException {
    Path png = dir.resolve("bad.png");
    byte[] full = HostileFiles.validPng(8, 8);
    Files.write(png, java.util.Arrays.copyOf(full, full.length / 2));
    Run r =
        run(
            "encode",
            "--model",
            images,
            "--input",
            png.toString(),
            "--out",
            dir.resolve("z.npy").toString());
    assertOneLine(1, png + ": corrupt or truncated image", r);
    assertOnly(dir, "bad.png");
  }

  // 11: a parse error is one line, with the hint on it
  @Test
  void parseErrorIsOneLine() {
    Run r = run("sample", "--no-such-option");
    assertOneLine(2, "(try 'flowmatch sample --help')", r);
  }

  /** A command that fails with an exception no check foresaw. */
  @picocli.CommandLine.Command(name = "boom")
  static final class Boom implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
      throw new IllegalStateException("something broke");
    }
  }

  // 11: an unexpected exception is one line too, with the --verbose hint on it
  @Test
  void unexpectedExceptionIsOneLineWithTheHint() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int code =
        Cli.execute(
            new picocli.CommandLine(new Boom()),
            new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
            new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(1, code);
    assertEquals(
        "boom: something broke (run with --verbose for the stack trace)\n",
        err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  // 6: a temporary file of a dead process is removed by the next write to the same target
  @Test
  void orphanOfADeadProcessIsRemoved() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    Path orphan = dir.resolve(".o.npy." + p.pid() + "-0123abcd.tmp");
    Path live =
        dir.resolve(".o.npy." + ProcessHandle.current().parent().orElseThrow().pid() + "-4567.tmp");
    Files.write(orphan, new byte[1000]);
    Files.write(live, new byte[10]);
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "4",
            "--steps",
            "2",
            "--save-npy",
            dir.resolve("o.npy").toString());
    assertEquals(0, r.code(), r.err());
    assertOnly(dir, "o.npy", live.getFileName().toString());
  }
}
