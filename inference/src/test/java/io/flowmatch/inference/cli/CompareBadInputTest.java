package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.assertNoTempFiles;
import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input of {@code flowmatch compare}: one line on stderr naming what was given and what was
 * expected, exit 2 for usage errors and 1 for failures, and no output files from a failed run.
 */
class CompareBadInputTest {
  static final String P = "flowmatch compare: ";

  @TempDir static Path models;
  static String spiral;
  static String nan;

  @TempDir Path dir;

  @BeforeAll
  static void build() throws IOException {
    spiral = CompareTestModels.spiral(models.resolve("spiral.onnx")).toString();
    nan = TestModels.nanAfterHalf(models.resolve("nan.onnx"), new int[] {2}).toString();
  }

  static void assertError(int code, String line, Run r) {
    assertEquals(P + line + "\n", r.err());
    assertEquals(code, r.code(), r.err());
    assertEquals("", r.out());
  }

  @Test
  void malformedSolverSpecsPointAtTheBadToken() {
    assertError(
        2,
        "--solvers: step count 'x' of euler at character 9 must be a positive integer",
        run("compare", "--model", spiral, "--solvers", "euler:5,x"));
    assertError(
        2,
        "--solvers: unknown solver 'rk45' at character 10, expected one of: euler, heun, midpoint, rk4,"
            + " ab2, ab3, dpm2m, cm-euler, cm-midpoint, cm-rk4, dopri5, dop853, gbs, adams, dopri5-batch",
        run("compare", "--model", spiral, "--solvers", "heun:4,8 rk45:1e-3"));
    assertError(
        2,
        "--solvers: tolerance '-1e-3' of dopri5 at character 8 must be a positive number such as 1e-3",
        run("compare", "--model", spiral, "--solvers", "dopri5:-1e-3"));
    assertError(
        2,
        "--solvers is empty, expected entries like \"euler:10,20 heun:10 dopri5:1e-3\"",
        run("compare", "--model", spiral, "--solvers", " "));
  }

  @Test
  void referenceSolveThatMeetsNaNSaysWhichSamplesAndWhen() {
    Path out = dir.resolve("out");
    Run r =
        run(
            "compare",
            "--model",
            nan,
            "--n",
            "4",
            "--solvers",
            "euler:2",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err()
            .matches(
                "(?s)"
                    + P.replace("(", "\\(")
                    // the setting fails first (a warning); the reference then starts at 1e-4
                    + "reference solve dop853 \\(rtol 1e-4, atol 1e-4, double"
                    + " state\\): non-finite velocity \\(NaN or Inf\\) for samples 0, 1, 2, 3 at"
                    + " t=0\\.[5-9]\\d*\n"),
        r.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void referenceSolveBeyondItsEvaluationBound() {
    Run r =
        run(
            "compare",
            "--model",
            spiral,
            "--n",
            "20",
            "--batch",
            "8",
            "--solvers",
            "euler:2",
            "--reference-max-evals",
            "30",
            "--quiet");
    assertEquals(1, r.code(), r.err());
    assertTrue(
        r.err()
            .matches(
                "(?s)"
                    + P
                    + "reference solve dop853 \\(rtol 1e-4, atol 1e-4, double state\\) exceeded 30"
                    + " evaluations at t=0\\.\\d+ for samples 0\\.\\.7; loosen --reference-tol or raise --reference-max-evals\n"),
        r.err());
  }

  @Test
  void referenceFilesOfTheWrongShapeOrSize() throws IOException {
    Path wide = dir.resolve("wide.npy");
    CompareTestModels.gaussianNpy(wide, 1, 10, new int[] {3}, 0, 1);
    assertError(
        2,
        "--reference "
            + wide
            + " has shape (10, 3), expected (N, 2) for this model's samples of shape [2]",
        run(
            "compare",
            "--model",
            spiral,
            "--n",
            "10",
            "--reference",
            wide.toString(),
            "--solvers",
            "euler:2"));
    Path few = dir.resolve("few.npy");
    CompareTestModels.gaussianNpy(few, 1, 5, new int[] {2}, 0, 1);
    assertError(
        2,
        "--reference " + few + " holds 5 samples, fewer than the 10 being compared",
        run(
            "compare",
            "--model",
            spiral,
            "--n",
            "10",
            "--reference",
            few.toString(),
            "--solvers",
            "euler:2"));
    assertError(
        2,
        "--reference must name a .npy file, got 'ref.txt'",
        run("compare", "--model", spiral, "--reference", "ref.txt"));
    assertError(
        2,
        "--no-reference and --reference exclude each other",
        run("compare", "--model", spiral, "--reference", few.toString(), "--no-reference"));
  }

  @Test
  void dataFilesThatCannotServe() throws IOException {
    Path small = dir.resolve("small.npy");
    CompareTestModels.gaussianNpy(small, 1, 15, new int[] {2}, 0, 1);
    assertError(
        2,
        "--data "
            + small
            + " holds 15 samples; need at least 2·10 = 20 (the last 10 make the floor set) or"
            + " give --floor-data",
        run(
            "compare",
            "--model",
            spiral,
            "--n",
            "10",
            "--data",
            small.toString(),
            "--solvers",
            "euler:2",
            "--no-reference"));
    assertError(
        2,
        "--floor-data needs --data (the reference set it is the floor of)",
        run("compare", "--model", spiral, "--floor-data", small.toString()));
    assertError(
        2,
        "--floor-data " + small + " holds 15 samples, fewer than the 20 being scored",
        run(
            "compare",
            "--model",
            spiral,
            "--n",
            "20",
            "--data",
            small.toString(),
            "--floor-data",
            small.toString(),
            "--solvers",
            "euler:2",
            "--no-reference"));
  }

  @Test
  void badNumbersAndFolders() throws IOException {
    assertError(
        2, "--n must be a positive integer, got 0", run("compare", "--model", spiral, "--n", "0"));
    assertError(
        2,
        "--repeats must be a positive integer, got 0",
        run("compare", "--model", spiral, "--repeats", "0"));
    assertError(
        2,
        "--max-evals must be a positive integer, got 0",
        run("compare", "--model", spiral, "--max-evals", "0"));
    assertError(
        2,
        "--reference-tol must be a positive number or auto, got 0",
        run("compare", "--model", spiral, "--reference-tol", "0"));
    assertError(
        2,
        "--reference-batch must be a positive integer, got -3",
        run("compare", "--model", spiral, "--reference-batch", "-3"));
    assertError(
        2,
        "--data-n must be a positive integer, got 0",
        run("compare", "--model", spiral, "--data-n", "0"));
    Path file = Files.writeString(dir.resolve("taken"), "x");
    assertError(
        2,
        "--out " + file + " is a file, expected a folder",
        run("compare", "--model", spiral, "--out", file.toString()));
    assertNoTempFiles(dir);
  }
}
