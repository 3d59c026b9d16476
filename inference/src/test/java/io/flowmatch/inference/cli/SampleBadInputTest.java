package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.assertNoTempFiles;
import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.solver.Solvers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input of {@code flowmatch sample}: one line on stderr naming what was given and what
 * was expected, exit 2 for usage errors and 1 for failures, no stack trace without --verbose, and
 * no output file left behind by a failed run.
 */
class SampleBadInputTest {
  static final String P = "flowmatch sample: ";

  @TempDir static Path models;
  static String gauss;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("gauss.onnx"), new int[] {2}, 1f, 0.5f, true).toString();
  }

  /** Asserts the exit code and the whole of stderr (one line), and that stdout is empty. */
  static void assertError(int code, String line, Run r) {
    assertEquals(P + line + "\n", r.err());
    assertEquals(code, r.code(), r.err());
    assertEquals("", r.out());
  }

  // ---- the model ----

  @Test
  void missingModel() {
    Path p = dir.resolve("nope.onnx");
    assertError(2, "--model " + p + ": no such file", run("sample", "--model", p.toString()));
    assertError(
        2,
        "--model " + dir + " is a folder, expected an .onnx file",
        run("sample", "--model", dir.toString()));
  }

  @Test
  void corruptModel() throws IOException {
    Path p = dir.resolve("corrupt.onnx");
    Files.write(p, "this is not a protobuf, let alone a model".getBytes(StandardCharsets.UTF_8));
    Run r = run("sample", "--model", p.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith(P + "model " + p + " is not a valid ONNX model: "), r.err());
    assertOneLine(r);
  }

  @Test
  void modelWithoutXtv() throws IOException {
    Path p = TestModels.wrongNames(dir.resolve("names.onnx"));
    assertError(
        1,
        "model "
            + p
            + " has no input 'x' (its inputs: input, time); expected inputs x [N, ...sample shape] and t [N]",
        run("sample", "--model", p.toString()));
  }

  @Test
  void modelWithMismatchedShapes() throws IOException {
    Path rank = TestModels.outputOfOtherRank(dir.resolve("rank.onnx"));
    Run r = run("sample", "--model", rank.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith(P + "model " + rank + ": output v "), r.err());
    assertOneLine(r);
    Path size = TestModels.outputOfOtherSize(dir.resolve("size.onnx"));
    Run s = run("sample", "--model", size.toString(), "--n", "4");
    assertEquals(1, s.code(), s.err());
    assertTrue(s.err().startsWith(P + "model " + size), s.err());
    assertOneLine(s);
  }

  // ---- the noise file ----

  @Test
  void noiseOfTheWrongShape() throws IOException {
    Path p = dir.resolve("n3.npy");
    Npy.write(p, new int[] {4, 3}, new float[12]);
    assertError(
        2,
        "--noise " + p + " has shape (4, 3), expected (N, 2) for this model's samples of shape [2]",
        run("sample", "--model", gauss, "--noise", p.toString()));
    Path flat = dir.resolve("flat.npy");
    Npy.write(flat, new int[] {8}, new float[8]);
    assertError(
        2,
        "--noise "
            + flat
            + " has shape (8,), expected (N, 2) for this model's samples of shape [2]",
        run("sample", "--model", gauss, "--noise", flat.toString()));
    Path two = dir.resolve("two.npy");
    Npy.write(two, new int[] {2, 2}, new float[4]);
    assertError(
        2,
        "--n 3 is more than the 2 samples in --noise " + two,
        run("sample", "--model", gauss, "--noise", two.toString(), "--n", "3"));
  }

  @Test
  void noiseOfTheWrongDtypeOrNotNpy() throws IOException {
    Path ints = dir.resolve("ints.npy");
    String dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }";
    ByteBuffer b = ByteBuffer.allocate(128 + 32).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) 118);
    b.put(dict.getBytes(StandardCharsets.US_ASCII));
    while (b.position() < 127) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    Files.write(ints, b.array());
    assertError(
        2,
        "--noise "
            + ints
            + ": unsupported dtype '<i8', expected <f4 (float32), <f2 (float16) or <f8 (float64)",
        run("sample", "--model", gauss, "--noise", ints.toString()));

    Path text = dir.resolve("noise.txt");
    Files.writeString(text, "0.1 0.2\n");
    assertError(
        2,
        "--noise " + text + ": not a NumPy .npy file (bad magic bytes)",
        run("sample", "--model", gauss, "--noise", text.toString()));

    Path missing = dir.resolve("missing.npy");
    assertError(
        2,
        "--noise " + missing + ": no such file",
        run("sample", "--model", gauss, "--noise", missing.toString()));
  }

  // ---- numbers, names and combinations ----

  @Test
  void countsMustBePositive() {
    assertError(
        2, "--n must be a positive integer, got 0", run("sample", "--model", gauss, "--n", "0"));
    assertError(
        2, "--n must be a positive integer, got -3", run("sample", "--model", gauss, "--n", "-3"));
    assertError(
        2,
        "--steps must be a positive integer, got 0",
        run("sample", "--model", gauss, "--steps", "0"));
    assertError(
        2,
        "--batch must be a positive integer, got 0",
        run("sample", "--model", gauss, "--batch", "0"));
    assertError(
        2,
        "--call-batch must be a positive integer or auto, got '0'",
        run("sample", "--model", gauss, "--call-batch", "0"));
    assertError(
        2,
        "--call-batch must be a positive integer or auto, got 'big'",
        run("sample", "--model", gauss, "--call-batch", "big"));
    assertError(
        2,
        "--threads must be 0 (one per core) or a positive integer, got -1",
        run("sample", "--model", gauss, "--threads", "-1"));
    assertError(
        2,
        "--max-evals must be a positive integer, got 0",
        run("sample", "--model", gauss, "--solver", "dopri5", "--max-evals", "0"));
    Run r = run("sample", "--model", gauss, "--n", "many");
    assertEquals(2, r.code());
    assertEquals(
        P
            + "invalid value for option '--n': 'many' is not an int (try 'flowmatch sample --help')\n",
        r.err());
  }

  @Test
  void unknownSolverListsTheValidOnes() {
    assertError(
        2,
        "unknown solver 'rk45', expected one of: " + String.join(", ", Solvers.names()),
        run("sample", "--model", gauss, "--solver", "rk45"));
    assertTrue(
        Solvers.names()
            .containsAll(
                java.util.List.of("euler", "heun", "midpoint", "rk4", "dopri5", "dop853")));
  }

  @Test
  void unknownProviderListsTheValidOnes() {
    assertError(
        2,
        "unknown provider 'tpu', expected one of: cpu, cuda, tensorrt",
        run("sample", "--model", gauss, "--provider", "tpu"));
  }

  @Test
  void tolerancesMustBePositive() {
    assertError(
        2,
        "--rtol must be a positive number, got 0",
        run("sample", "--model", gauss, "--solver", "dopri5", "--rtol", "0"));
    assertError(
        2,
        "--atol must be a positive number, got -0.001",
        run("sample", "--model", gauss, "--solver", "dop853", "--atol", "-1e-3"));
  }

  @Test
  void optionsOfTheOtherKindOfSolver() {
    assertError(
        2,
        "--steps is for fixed-step solvers; dopri5 is adaptive: give --rtol/--atol",
        run("sample", "--model", gauss, "--solver", "dopri5", "--steps", "10"));
    assertError(
        2,
        "--rtol is for adaptive solvers; heun takes --steps",
        run("sample", "--model", gauss, "--rtol", "1e-3"));
  }

  @Test
  void badShapeOutputAndPlotOptions() throws IOException {
    assertError(
        2,
        "--shape must be positive integers separated by commas, e.g. 1,28,28, got '1,x'",
        run("sample", "--model", gauss, "--shape", "1,x"));
    assertError(
        2,
        "--out must name a .png or .svg file, got 'a.jpg' (use --save-npy for NumPy output)",
        run("sample", "--model", gauss, "--out", "a.jpg"));
    assertError(
        2,
        "--save-npy must name a .npy file, got 'a.csv'",
        run("sample", "--model", gauss, "--save-npy", "a.csv"));
    assertError(
        2,
        "--plot-range: expected a range 'lo,hi' with finite lo < hi, got '4,-4'",
        run("sample", "--model", gauss, "--plot-range", "4,-4"));
    Path three = TestModels.gaussian(dir.resolve("g3.onnx"), new int[] {3}, 0, 1, true);
    assertError(
        2,
        "--out cannot draw samples of shape [3]: a picture needs [2] (scatter plot) or [C,H,W] with C = 1 or 3"
            + " (image grid); use --save-npy",
        run("sample", "--model", three.toString(), "--out", dir.resolve("x.png").toString()));
  }

  // ---- failures during the run ----

  @Test
  void adaptiveSolverBeyondItsEvaluationBound() {
    Run r =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "50",
            "--solver",
            "dopri5",
            "--rtol",
            "1e-12",
            "--atol",
            "1e-12",
            "--max-evals",
            "20");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith(P) && r.err().contains("20"), r.err());
    assertOneLine(r);
    Run batch =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "50",
            "--solver",
            "dopri5-batch",
            "--rtol",
            "1e-12",
            "--atol",
            "1e-12",
            "--max-evals",
            "20");
    assertEquals(1, batch.code(), batch.err());
    assertTrue(batch.err().contains("20"), batch.err());
    assertOneLine(batch);
    // several batches: the solver's message says which batch its sample numbers belong to
    Run split =
        run(
            "sample",
            "--model",
            gauss,
            "--n",
            "50",
            "--batch",
            "20",
            "--solver",
            "dopri5",
            "--rtol",
            "1e-12",
            "--atol",
            "1e-12",
            "--max-evals",
            "20");
    assertEquals(1, split.code(), split.err());
    assertTrue(split.err().endsWith(" [batch of samples 0-19 of 50]\n"), split.err());
    assertOneLine(split);
  }

  @Test
  void nanVelocityNamesTheSamplesAndTheTime() throws IOException {
    Path log = TestModels.logOfX(dir.resolve("log.onnx"), new int[] {2});
    float[] x0 = new float[20];
    java.util.Arrays.fill(x0, 2f);
    x0[2 * 3 + 1] = -1f; // sample 3
    x0[2 * 7] = -0.5f; // sample 7
    Path noise = dir.resolve("noise.npy");
    Npy.write(noise, new int[] {10, 2}, x0);
    assertError(
        1,
        "the model returned a non-finite velocity (NaN) for samples 3, 7 at t=0 (2 of 10 samples)",
        run("sample", "--model", log.toString(), "--noise", noise.toString()));
    // in batches of 4, sample 3 is in the first batch; indices are those of the whole run
    assertError(
        1,
        "the model returned a non-finite velocity (NaN) for sample 3 at t=0 (1 of the batch of samples 0-3, 10 in all)",
        run("sample", "--model", log.toString(), "--noise", noise.toString(), "--batch", "4"));
    x0[2 * 3 + 1] = 2f;
    Npy.write(noise, new int[] {10, 2}, x0);
    assertError(
        1,
        "the model returned a non-finite velocity (NaN) for sample 7 at t=0 (1 of the batch of samples 4-7, 10 in all)",
        run("sample", "--model", log.toString(), "--noise", noise.toString(), "--batch", "4"));
  }

  @Test
  void nanVelocityLaterInTime() throws IOException {
    Path p = TestModels.nanAfterHalf(dir.resolve("half.onnx"), new int[] {2});
    assertError(
        1,
        "the model returned a non-finite velocity (NaN) for samples 0, 1, 2, 3, 4, ... at t=0.75 (10 of 10 samples)",
        run("sample", "--model", p.toString(), "--n", "10", "--solver", "euler", "--steps", "4"));
    Run adaptive = run("sample", "--model", p.toString(), "--n", "10", "--solver", "dopri5");
    assertEquals(1, adaptive.code());
    assertTrue(
        adaptive
            .err()
            .startsWith(
                P
                    + "the model returned a non-finite velocity (NaN) for samples 0, 1, 2, 3, 4, ... at t=0."),
        adaptive.err());
    assertOneLine(adaptive);
  }

  @Test
  void infiniteVelocity() throws IOException {
    Path p = TestModels.reciprocalOfX(dir.resolve("recip.onnx"), new int[] {2});
    float[] x0 = {1, 1, 1, 1, 0, 1, 1, 1, 1, 1};
    Path noise = dir.resolve("noise.npy");
    Npy.write(noise, new int[] {5, 2}, x0);
    assertError(
        1,
        "the model returned a non-finite velocity (Inf) for sample 2 at t=0 (1 of 5 samples)",
        run("sample", "--model", p.toString(), "--noise", noise.toString(), "--solver", "rk4"));
  }

  @Test
  void failedRunLeavesNoOutputAndKeepsOlderFiles() throws IOException {
    Path p = TestModels.nanAfterHalf(dir.resolve("half.onnx"), new int[] {2});
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Path png = out.resolve("samples.png");
    Path npy = out.resolve("samples.npy");
    Path older = out.resolve("older.npy");
    Npy.write(older, new int[] {1, 2}, new float[] {5, 6});
    byte[] olderBytes = Files.readAllBytes(older);
    // a large run in small batches: several batches are written to the .npy before the failure
    Run r =
        run(
            "sample",
            "--model",
            p.toString(),
            "--n",
            "1000",
            "--batch",
            "100",
            "--solver",
            "euler",
            "--steps",
            "4",
            "--out",
            png.toString(),
            "--save-npy",
            npy.toString());
    assertEquals(1, r.code());
    assertFalse(Files.exists(png));
    assertFalse(Files.exists(npy));
    assertNoTempFiles(out);
    Run again =
        run(
            "sample",
            "--model",
            p.toString(),
            "--n",
            "10",
            "--solver",
            "euler",
            "--steps",
            "4",
            "--save-npy",
            older.toString());
    assertEquals(1, again.code());
    assertArrayEquals(
        olderBytes, Files.readAllBytes(older), "an older file at the target stays as it was");
    assertNoTempFiles(out);
  }

  @Test
  void unwritableOutputFolder() throws IOException {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "x");
    Path npy = file.resolve("samples.npy");
    Run r = run("sample", "--model", gauss, "--n", "5", "--save-npy", npy.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith(P + "cannot write --save-npy " + npy + ": "), r.err());
    assertOneLine(r);
  }

  @Test
  void stackTraceOnlyWithVerbose() throws IOException {
    Path p = TestModels.nanAfterHalf(dir.resolve("half.onnx"), new int[] {2});
    Run quiet =
        run("sample", "--model", p.toString(), "--n", "3", "--solver", "euler", "--steps", "4");
    assertOneLine(quiet);
    Run verbose =
        run(
            "sample",
            "--model",
            p.toString(),
            "--n",
            "3",
            "--solver",
            "euler",
            "--steps",
            "4",
            "--verbose");
    assertEquals(1, verbose.code());
    assertTrue(
        verbose.err().contains("\tat io.flowmatch.inference.sampling.CheckedField"), verbose.err());
  }

  @Test
  void missingSubcommand() {
    Run r = run();
    assertEquals(2, r.code());
    assertTrue(
        r.err().startsWith("flowmatch: missing subcommand; see 'flowmatch --help'\n"), r.err());
  }

  private static void assertOneLine(Run r) {
    assertEquals(1, r.err().split("\n", -1).length - 1, "exactly one line on stderr: " + r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace");
  }
}
