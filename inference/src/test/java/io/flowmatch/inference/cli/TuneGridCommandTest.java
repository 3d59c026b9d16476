package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.flowmatch.inference.analytic.GaussianMixtureGraph;
import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.field.GaussianMixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tune-grid, then sample and compare with the grids it wrote, through the CLI entry point. */
class TuneGridCommandTest {
  @TempDir static Path models;
  static Path mixture;

  @TempDir Path dir;

  @BeforeAll
  static void build() throws IOException {
    mixture = CompareTestModels.mixture(models.resolve("gmm3.onnx"));
  }

  @Test
  void tunedGridsFeedSampleAndCompare() throws IOException {
    Path grids = dir.resolve("grids.json");
    Run tune =
        tuneGrid(
            mixture,
            "--solver",
            "heun,dpm2m",
            "--nfe",
            "4",
            "--calibration",
            "24",
            "--seed",
            "3",
            "--max-evals",
            "12",
            "--out",
            grids.toString());
    assertEquals(0, tune.code(), tune.err());
    assertTrue(tune.out().contains("heun       4     2"), tune.out());
    JsonObject root = JsonParser.parseString(Files.readString(grids)).getAsJsonObject();
    assertEquals("flowmatch.grids/1", root.get("format").getAsString());
    assertEquals(2, root.getAsJsonArray("grids").size());
    JsonObject heun = root.getAsJsonArray("grids").get(0).getAsJsonObject();
    assertEquals(3, heun.getAsJsonArray("times").size());
    assertEquals(3, root.getAsJsonObject("calibration").get("seed").getAsLong());
    assertEquals(4, root.getAsJsonObject("holdout").get("seed").getAsLong());
    // the tuned grid is never worse than its start on the calibration set
    double start = Double.POSITIVE_INFINITY;
    for (var h : heun.getAsJsonArray("hand_made")) {
      start = Math.min(start, h.getAsJsonObject().get("calibration_rms").getAsDouble());
    }
    assertTrue(heun.get("calibration_rms").getAsDouble() <= start, heun.toString());

    Path npy = dir.resolve("s.npy");
    Run sample =
        sample(
            mixture, "--solver", "heun", "--grid", grids.toString(), "--save-npy", npy.toString());
    assertEquals(0, sample.code(), sample.err());
    assertTrue(sample.out().contains("heun (2 steps, tuned grid)"), sample.out());
    assertTrue(sample.out().contains("NFE/sample 4"), sample.out());

    Run missing =
        sample(
            mixture,
            "--solver",
            "heun",
            "--steps",
            "5",
            "--grid",
            grids.toString(),
            "--save-npy",
            npy.toString());
    assertEquals(2, missing.code(), missing.err());
    assertTrue(
        missing
            .err()
            .contains(
                "--grid "
                    + grids
                    + " has no grid for heun with 5 steps; it holds: heun 2 steps (NFE 4),"
                    + " dpm2m 4 steps (NFE 4)"),
        missing.err());

    Run times =
        sample(
            mixture,
            "--solver",
            "dpm2m",
            "--grid-times",
            "0,0.5,0.8,1",
            "--save-npy",
            npy.toString());
    assertEquals(0, times.code(), times.err());
    assertTrue(times.out().contains("dpm2m (3 steps, times grid)"), times.out());

    Run compare =
        compare(
            mixture,
            "--solvers",
            "heun:2 heun@tuned:2 heun@shift=3:2 dpm2m@tuned:4",
            "--grid",
            grids.toString(),
            "--reference-tol",
            "1e-7");
    assertEquals(0, compare.code(), compare.err());
    assertTrue(compare.out().contains("heun@tuned"), compare.out());
    assertTrue(compare.out().contains("heun@shift=3"), compare.out());
    assertTrue(compare.out().contains("dpm2m@tuned"), compare.out());

    Run noFile = compare(mixture, "--solvers", "heun@tuned:2");
    assertEquals(2, noFile.code());
    assertTrue(
        noFile
            .err()
            .contains(
                "--grid tuned: model "
                    + mixture
                    + " holds no tuned grids (metadata key flowmatch.tuned_grids); store them"
                    + " with tune-grid --save-model FILE.onnx or --in-place, or give --grid"
                    + " FILE.json"),
        noFile.err());
  }

  @Test
  void tunedGridsStoredInTheModel() throws IOException {
    Path grids = dir.resolve("grids.json");
    Path withGrids = dir.resolve("gmm3-tuned.onnx");
    byte[] original = Files.readAllBytes(mixture);
    Run tune =
        tuneGrid(
            mixture,
            "--solver",
            "heun,dpm2m",
            "--nfe",
            "4",
            "--calibration",
            "16",
            "--max-evals",
            "10",
            "--reference-tol",
            "1e-6",
            "--out",
            grids.toString(),
            "--save-model",
            withGrids.toString());
    assertEquals(0, tune.code(), tune.err());
    assertTrue(
        tune.out().contains("wrote " + withGrids + ": 2 tuned grids in its metadata"), tune.out());
    // the reference of a fixed --reference-tol T is the solve at T/10, checked against T
    JsonObject root = JsonParser.parseString(Files.readString(grids)).getAsJsonObject();
    assertEquals(
        1e-7, root.getAsJsonObject("calibration").get("reference_tolerance").getAsDouble(), 0);
    assertTrue(
        root.getAsJsonObject("calibration")
            .get("reference")
            .getAsString()
            .contains("tolerance fixed: its error bound"),
        root.toString());
    assertTrue(java.util.Arrays.equals(original, Files.readAllBytes(mixture)), "source changed");

    // --grid tuned from the model's metadata gives the same samples as --grid grids.json
    Path fromFile = dir.resolve("file.npy");
    Path fromModel = dir.resolve("model.npy");
    Run a =
        sample(
            mixture,
            "--solver",
            "dpm2m",
            "--grid",
            grids.toString(),
            "--save-npy",
            fromFile.toString());
    assertEquals(0, a.code(), a.err());
    Run b =
        sample(
            withGrids, "--solver", "dpm2m", "--grid", "tuned", "--save-npy", fromModel.toString());
    assertEquals(0, b.code(), b.err());
    assertTrue(b.out().contains("dpm2m (4 steps, tuned grid)"), b.out());
    assertTrue(
        java.util.Arrays.equals(Files.readAllBytes(fromFile), Files.readAllBytes(fromModel)));

    Run missing =
        sample(
            withGrids,
            "--solver",
            "heun",
            "--steps",
            "5",
            "--grid",
            "tuned",
            "--save-npy",
            dir.resolve("x.npy").toString());
    assertEquals(2, missing.code(), missing.err());
    assertTrue(
        missing
            .err()
            .contains(
                "--grid tuned: the model has no grid for heun with 5 steps; it holds: heun 2"
                    + " steps (NFE 4), dpm2m 4 steps (NFE 4)"),
        missing.err());
    assertTrue(Files.notExists(dir.resolve("x.npy")));
    Run none =
        sample(
            mixture,
            "--solver",
            "heun",
            "--grid",
            "tuned",
            "--save-npy",
            dir.resolve("x.npy").toString());
    assertEquals(2, none.code(), none.err());
    assertTrue(none.err().contains("holds no tuned grids"), none.err());

    Run compare = compare(withGrids, "--solvers", "heun@tuned:2 dpm2m@tuned:4", "--no-reference");
    assertEquals(0, compare.code(), compare.err());
    assertTrue(compare.out().contains("heun@tuned"), compare.out());
    assertTrue(compare.out().contains("dpm2m@tuned"), compare.out());

    // in place: a new solver's grid joins those already stored, and the model still samples
    Run more =
        tuneGrid(
            withGrids,
            "--solver",
            "euler",
            "--nfe",
            "4",
            "--calibration",
            "16",
            "--max-evals",
            "10",
            "--reference-tol",
            "1e-6",
            "--in-place");
    assertEquals(0, more.code(), more.err());
    assertTrue(more.out().contains(": 3 tuned grids in its metadata"), more.out());
    Run euler =
        sample(
            withGrids,
            "--solver",
            "euler",
            "--grid",
            "tuned",
            "--save-npy",
            dir.resolve("e.npy").toString());
    assertEquals(0, euler.code(), euler.err());
    assertTrue(euler.out().contains("euler (4 steps, tuned grid)"), euler.out());
    Run again =
        sample(
            withGrids, "--solver", "dpm2m", "--grid", "tuned", "--save-npy", fromModel.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(
        java.util.Arrays.equals(Files.readAllBytes(fromFile), Files.readAllBytes(fromModel)));

    Run nowhere = run("tune-grid", "--model", mixture.toString(), "--quiet");
    assertEquals(2, nowhere.code());
    assertTrue(
        nowhere.err().contains("give --out FILE.json, --save-model FILE.onnx or --in-place"),
        nowhere.err());
  }

  /**
   * The exact Gaussian-target field N(μ, 0.2² I) with μ_j = sin(j + 1), 100 values per sample (so
   * the reference is dopri5-batch), as a one-component mixture graph.
   */
  static Path gaussian(Path path) throws IOException {
    int d = 100;
    double[] mean = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = Math.sin(j + 1);
    }
    GaussianMixtureGraph.build(
            new GaussianMixture(new double[][] {mean}, new double[] {0.2}, new double[] {1}),
            false,
            "gauss100")
        .save(path);
    return path;
  }

  private Run tuneGaussian(Path model, Path grids, String... extra) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "tune-grid",
                "--model",
                model.toString(),
                "--solver",
                "rk4",
                "--nfe",
                "40",
                "--calibration",
                "8",
                "--max-evals",
                "2",
                "--no-reference-cache",
                "--out",
                grids.toString(),
                "--quiet"));
    args.addAll(java.util.List.of(extra));
    return run(args.toArray(new String[0]));
  }

  /**
   * rk4 at 10 steps on the exact Gaussian field has errors far below what the first pair of
   * reference solves (dopri5-batch 1e-3 / 1e-4) resolves: unbounded, the ladder tightens past 1e-4;
   * with a budget that only the first pair fits it stops there, and the output and the JSON say so.
   */
  @Test
  void automaticReferenceStopsAtItsBudgetAndSaysSo() throws IOException {
    Path model = gaussian(dir.resolve("gauss100.onnx"));
    Path free = dir.resolve("free.json");
    Run unbounded = tuneGaussian(model, free, "--reference-budget", "1000000");
    assertEquals(0, unbounded.code(), unbounded.err());
    JsonObject cal =
        JsonParser.parseString(Files.readString(free))
            .getAsJsonObject()
            .getAsJsonObject("calibration");
    assertTrue(cal.get("reference_tolerance").getAsDouble() < 1e-4, cal.toString());
    assertTrue(!cal.get("reference_stop").getAsString().equals("budget"), cal.toString());
    assertEquals(1000000, cal.get("reference_budget").getAsLong());

    Path cut = dir.resolve("cut.json");
    Run bounded = tuneGaussian(model, cut, "--reference-budget", "1");
    assertEquals(0, bounded.code(), bounded.err());
    JsonObject root = JsonParser.parseString(Files.readString(cut)).getAsJsonObject();
    for (String set : new String[] {"calibration", "holdout"}) {
      JsonObject o = root.getAsJsonObject(set);
      assertEquals("budget", o.get("reference_stop").getAsString(), o.toString());
      assertEquals(1e-4, o.get("reference_tolerance").getAsDouble(), 0, o.toString());
      assertEquals(1, o.get("reference_budget").getAsLong());
    }
    // the first pair (1e-3, then 1e-4) is what was spent
    double firstPair = root.getAsJsonObject("calibration").get("reference_nfe_spent").getAsDouble();
    assertTrue(firstPair > root.getAsJsonObject("calibration").get("reference_nfe").getAsDouble());
    assertTrue(bounded.out().contains("a tighter solve did not fit the budget"), bounded.out());
    assertTrue(
        bounded
            .out()
            .contains(
                String.format(
                    java.util.Locale.ROOT,
                    "reference budget: 1 NFE/sample per set for tightening beyond the first two"
                        + " solves; spent %.0f (calibration), ",
                    firstPair)),
        bounded.out());
    assertTrue(bounded.out().contains("tightening stopped at the budget"), bounded.out());
  }

  @Test
  void theDefaultBudgetIsTwiceTheJudgedHandMadeGridsAtLeast500() {
    // 6 hand-made grids per solver at the largest NFE, 2x, at least 500
    assertEquals(
        500,
        TuneGridCommand.defaultBudget(java.util.List.of("heun", "dpm2m"), java.util.List.of(4, 8)));
    assertEquals(
        2 * 4 * 6 * 20,
        TuneGridCommand.defaultBudget(
            java.util.List.of("euler", "heun", "ab2", "dpm2m"), java.util.List.of(20, 4, 8)));
  }

  @Test
  void badTuneOptionsAreUsageErrors() {
    Path out = dir.resolve("g.json");
    Run odd =
        run(
            "tune-grid",
            "--model",
            mixture.toString(),
            "--solver",
            "heun",
            "--nfe",
            "5",
            "--out",
            out.toString());
    assertEquals(2, odd.code());
    assertTrue(odd.err().contains("--nfe 5: no step count of heun costs exactly 5"), odd.err());
    Run adaptive =
        run(
            "tune-grid",
            "--model",
            mixture.toString(),
            "--solver",
            "dopri5",
            "--out",
            out.toString());
    assertEquals(2, adaptive.code());
    assertTrue(adaptive.err().contains("--solver: 'dopri5' has no grid to tune"), adaptive.err());
    Run same =
        run(
            "tune-grid",
            "--model",
            mixture.toString(),
            "--seed",
            "4",
            "--holdout-seed",
            "4",
            "--out",
            out.toString());
    assertEquals(2, same.code());
    assertTrue(Files.notExists(out));
  }

  @Test
  void aTunedGridWorseThanHandMadeOnHeldOutNoiseIsWarnedAbout() {
    // the checkerboard case of the audit: 16 calibration samples, held-out ratio 1.655
    String w = TuneGridCommand.transferWarning("ab2", 8, 1.655e-1, "uniform", 1e-1, 16, 150);
    assertEquals(
        "tune-grid: the tuned ab2 grid at NFE 8 is worse on held-out noise than the best hand-made"
            + " grid (uniform): RMS 1.655e-01 vs 1.000e-01, ratio 1.655; it fitted the 16"
            + " calibration samples, not the model. Try more --calibration (now 16) or --max-evals"
            + " (now 150), or use --grid uniform",
        w);
    assertEquals(null, TuneGridCommand.transferWarning("ab2", 8, 0.9e-1, "uniform", 1e-1, 16, 150));
    assertEquals(null, TuneGridCommand.transferWarning("ab2", 8, 1e-1, "uniform", 1e-1, 16, 150));
  }

  @Test
  void theRecordSaysWhetherTheTunedGridLostOnHeldOutNoise() throws IOException {
    Path grids = dir.resolve("w.json");
    Run tune =
        run(
            "tune-grid",
            "--model",
            mixture.toString(),
            "--solver",
            "heun",
            "--nfe",
            "4,6",
            "--calibration",
            "2",
            "--holdout",
            "64",
            "--max-evals",
            "40",
            "--reference-tol",
            "1e-5",
            "--no-reference-cache",
            "--out",
            grids.toString(),
            "--quiet");
    assertEquals(0, tune.code(), tune.err());
    JsonObject root = JsonParser.parseString(Files.readString(grids)).getAsJsonObject();
    int warned = 0;
    for (var e : root.getAsJsonArray("grids")) {
      JsonObject g = e.getAsJsonObject();
      boolean worse =
          g.get("holdout_rms").getAsDouble() > g.get("best_hand_made_holdout_rms").getAsDouble();
      assertEquals(worse, g.get("worse_than_hand_made_on_holdout").getAsBoolean(), g.toString());
      if (worse) {
        warned++;
        assertTrue(
            tune.err().contains("warning: tune-grid: the tuned heun grid at NFE " + g.get("nfe")),
            tune.err());
      }
    }
    assertEquals(warned, tune.err().split("warning: ", -1).length - 1, tune.err());
  }

  /** {@code sample --model MODEL --n 8} and {@code more}. */
  private static Run sample(Path model, String... more) {
    return run(with(new String[] {"sample", "--model", model.toString(), "--n", "8"}, more));
  }

  /** {@code compare --model MODEL --n 16}, {@code more} and {@code --quiet}. */
  private static Run compare(Path model, String... more) {
    String[] args = with(new String[] {"compare", "--model", model.toString(), "--n", "16"}, more);
    return run(with(args, "--quiet"));
  }

  /** {@code tune-grid --model MODEL}, {@code more} and {@code --quiet}. */
  private static Run tuneGrid(Path model, String... more) {
    return run(
        with(with(new String[] {"tune-grid", "--model", model.toString()}, more), "--quiet"));
  }

  private static String[] with(String[] head, String... more) {
    String[] all = java.util.Arrays.copyOf(head, head.length + more.length);
    System.arraycopy(more, 0, all, head.length, more.length);
    return all;
  }
}
