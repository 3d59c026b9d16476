package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inference commands not covered by training's {@code ProgressOnAPipeTest} (tune-grid,
 * likelihood): on a pipe (here a capture) plain progress lines, never a carriage return or an
 * escape sequence, the final 100 % line once; with --quiet no progress. Reports are made at every
 * update ({@code flowmatch.progress.every=0}) so these short runs show them.
 */
class ProgressOnAPipeTest {
  @TempDir static Path tmp;
  static Path mixture;

  @BeforeAll
  static void everyUpdate() throws IOException {
    System.setProperty("flowmatch.progress.every", "0");
    mixture = CompareTestModels.mixture(tmp.resolve("gmm3.onnx"));
  }

  @AfterAll
  static void defaults() {
    System.clearProperty("flowmatch.progress.every");
  }

  private static void assertPlainProgress(String label, Run r) {
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("\r"), label + " wrote a carriage return into a pipe: " + r.err());
    assertFalse(
        r.err().contains("\u001b"), label + " wrote an escape sequence into a pipe: " + r.err());
    assertEquals(1, count(r.err(), label + ": 100% ("), label + "'s final line, once: " + r.err());
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static String[] tuneGrid(String grids, String... more) {
    String[] base = {
      "tune-grid",
      "--model",
      mixture.toString(),
      "--solver",
      "heun,ab2",
      "--nfe",
      "4",
      "--calibration",
      "16",
      "--max-evals",
      "10",
      "--reference-tol",
      "1e-5",
      "--no-reference-cache",
      "--out",
      grids
    };
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void tuneGridShowsTheSharedProgressPerSolverAndNfe() {
    Run r = run(tuneGrid(tmp.resolve("g.json").toString()));
    assertPlainProgress("tune-grid heun NFE 4", r);
    assertPlainProgress("tune-grid ab2 NFE 4", r);
    assertTrue(r.err().contains(" solves)"), r.err());
    assertTrue(r.err().contains("best RMS "), r.err());
    // the reference and result lines stay
    assertTrue(r.err().contains("tune-grid: reference: "), r.err());
    assertTrue(r.err().contains("tune-grid: tuning heun at NFE 4"), r.err());

    Run quiet = run(tuneGrid(tmp.resolve("q.json").toString(), "--quiet"));
    assertEquals(0, quiet.code(), quiet.err());
    for (String line : quiet.err().split("\n")) {
      // only warnings may remain (a tuned grid worse than a hand-made one on held-out noise)
      assertTrue(line.isEmpty() || line.startsWith("warning: "), "--quiet: " + quiet.err());
    }
  }

  @Test
  void likelihoodPrintsItsFinalLineOnce() {
    String x = tmp.resolve("x.npy").toString();
    String gmm8 = Path.of("..", "models", "gmm8.onnx").toString();
    Run sample = run("sample", "--model", gmm8, "--n", "40", "--save-npy", x, "--quiet");
    assertEquals(0, sample.code(), sample.err());
    Run r = run("likelihood", "--model", gmm8, "--input", x, "--batch", "10", "--threads", "1");
    assertPlainProgress("likelihood", r);
    assertTrue(r.err().contains("likelihood: 25% (10/40 samples)"), r.err());

    Run quiet = run("likelihood", "--model", gmm8, "--input", x, "--quiet");
    assertEquals(0, quiet.code(), quiet.err());
    assertFalse(quiet.err().contains("likelihood: "), quiet.err());
  }
}
