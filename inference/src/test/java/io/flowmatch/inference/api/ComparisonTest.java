package io.flowmatch.inference.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.CompareTestModels;
import io.flowmatch.inference.cli.InferenceMain;
import io.flowmatch.inference.compare.ClassShares;
import io.flowmatch.inference.compare.ConvergenceOrder;
import io.flowmatch.inference.compare.ReferenceMethod;
import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.compare.SolverSpec;
import io.flowmatch.inference.dataset.ReferenceData;
import io.flowmatch.inference.field.GaussianTargetField;
import io.flowmatch.inference.sampling.GaussianNoise;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Comparison and QualityMetrics give the command line's numbers and known convergence orders. */
class ComparisonTest {
  static final Path GMM8 = FlowModelTest.GMM8;
  static final String SOLVERS = "euler:8,16,32 heun:4,8,16";

  @TempDir Path dir;

  @Test
  void resultsMatchTheCommandLineExceptTimes() throws IOException {
    Path cliOut = dir.resolve("cli");
    int code;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (PrintStream o =
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code =
          InferenceMain.run(
              o,
              e,
              "compare",
              "--model",
              GMM8.toString(),
              "--n",
              "200",
              "--seed",
              "2",
              "--solvers",
              SOLVERS,
              "--quiet",
              "--out",
              cliOut.toString());
    }
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    List<String> cli = Files.readAllLines(cliOut.resolve("results.csv"));

    Path apiOut = dir.resolve("api");
    try (FlowModel model = FlowModel.open(GMM8);
        QualityMetrics quality = QualityMetrics.forMixture(model, 200, 2)) {
      Comparison.Report report =
          Comparison.on(model)
              .solvers(SOLVERS)
              .samples(200)
              .seed(2)
              .quality(quality)
              .autoReference(false) // the command line's default reference, without the cache
              .run();
      List<String> written = report.writeTo(apiOut);
      assertTrue(
          written.containsAll(List.of("results.csv", "results.json", "table.txt", "report.html")),
          written.toString());
      List<String> api = Files.readAllLines(apiOut.resolve("results.csv"));
      assertEquals(cli.size(), api.size());
      assertEquals(cli.get(0), api.get(0));
      for (int i = 1; i < cli.size(); i++) {
        assertEquals(withoutTimes(cli.get(i)), withoutTimes(api.get(i)), "row " + i);
      }
      Map<String, Double> orders = new java.util.HashMap<>();
      for (ConvergenceOrder o : report.orders()) {
        orders.put(o.method(), o.order());
      }
      assertEquals(1.0, orders.get("euler"), 0.3);
      assertEquals(2.0, orders.get("heun"), 0.4);
      assertTrue(report.table().contains("heun"), report.table());

      // the quality of well-solved samples is near the floor; the names are eval's
      Map<String, Double> scores =
          quality.score(model.sampler().solver(Solver.rk4(20)).seed(2).sample(200));
      assertEquals(List.of("energy", "sw2"), List.copyOf(scores.keySet()));
      assertTrue(
          scores.get("energy") < 5 * quality.floor().get("energy") + 1e-3,
          scores + " vs " + quality.floor());
    }
  }

  @Test
  void theAutomaticReferenceStartsADecadeAboveTheTightestAdaptiveToleranceWithinItsBudget() {
    ReferenceMethod small = ReferenceMethod.DOP853;
    assertEquals(1e-4, Comparison.autoStart(SolverSpec.parse("euler:4 dopri5:1e-3,1e-5"), small));
    assertEquals(1e-6, Comparison.autoStart(SolverSpec.parse("euler:4 dopri5:1e-3,1e-7"), small));
    assertEquals(1e-4, Comparison.autoStart(SolverSpec.parse("euler:4,8 heun:2"), small));
    assertEquals(1e-4, Comparison.autoStart(SolverSpec.parse("dopri5:1e-2"), small));
    assertEquals(1e-8, Comparison.autoStart(SolverSpec.parse("dop853:1e-12"), small));
    assertEquals(
        1e-3,
        Comparison.autoStart(
            SolverSpec.parse("euler:4 dopri5:1e-5"), ReferenceMethod.DOPRI5_BATCH));
    assertEquals(500, Comparison.referenceBudget(List.of()));
  }

  /**
   * On the exact Gaussian-target field with 256 values per sample (dopri5-batch): every setting's
   * error against the automatic reference is its error against the exact flow to within the
   * reference's reported bound, and that bound is at most a tenth of the smallest error.
   */
  @Test
  void automaticReferenceErrorsAreTheExactErrorsToWithinItsBound() {
    double[] mean = new double[256];
    for (int j = 0; j < mean.length; j++) {
      mean[j] = Math.cos(j);
    }
    GaussianTargetField field = new GaussianTargetField(new int[] {1, 16, 16}, mean, 0.3);
    int n = 24;
    float[] noise = new float[n * 256];
    new io.flowmatch.inference.sampling.GaussianNoise(5).fill(0, n, 256, noise);
    float[] exact = new float[noise.length];
    field.flow(noise, n, 0, 1, exact);
    Map<String, Double> exactErrors = new java.util.HashMap<>();
    List<String> log = new java.util.ArrayList<>();
    try (FlowModel model = FlowModel.of(field, "gaussian")) {
      Comparison.Report report =
          Comparison.on(model)
              .solvers("euler:4 heun:4 dopri5:1e-4")
              .noise(noise, "test noise")
              .batch(10)
              .autoReference(false)
              .referenceProgress(ReferenceSolver.Progress.NONE, log::add)
              .listener(
                  new io.flowmatch.inference.compare.CompareEngine.Listener() {
                    @Override
                    public void finished(SettingResult result, float[] samples) {
                      double[] e =
                          io.flowmatch.inference.compare.CompareEngine.errorSummary(
                              io.flowmatch.inference.compare.CompareEngine.sampleErrors(
                                  samples, toDouble(exact), n, 256));
                      exactErrors.put(result.setting().label(), e[0]);
                    }
                  })
              .run();
      String all = String.join("\n", log) + "\n" + report.table();
      // an image-sized sample: the reference starts at 1e-3 with dopri5-batch
      assertTrue(all.contains("reference at tolerance 1e-3: solving with dopri5-batch"), all);
      String line =
          log.stream().filter(l -> l.contains("stop (well_below)")).findFirst().orElse(null);
      assertTrue(line != null, all);
      double bound = Double.parseDouble(line.replaceAll(".*RMS difference ([^ ]+) .*", "$1"));
      double smallest = Double.POSITIVE_INFINITY;
      for (SettingResult r : report.results()) {
        double truth = exactErrors.get(r.setting().label());
        assertEquals(truth, r.errorRms(), bound * 1.0001 + 1e-7, r.setting().label() + "\n" + all);
        smallest = Math.min(smallest, r.errorRms());
      }
      assertTrue(bound <= smallest / 10, all);
      assertTrue(report.table().contains("of the smallest error it judges"), all);
    }
  }

  private static double[] toDouble(float[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i];
    }
    return out;
  }

  @Test
  void classCountsAreKeptWithoutTheSamplesAndDrawnByWriteTo() throws Exception {
    // v = −x: every solver scales each noise sample by a positive factor, which keeps the test
    // classifier's argmax (sums of every third pixel), so each setting's counts are the noise's
    Path image = CompareTestModels.image(dir.resolve("image.onnx"), 4);
    Path classifier = CompareTestModels.classifier(dir.resolve("classifier.onnx"), 1, 4, 4);
    int n = 60;
    float[] data = gaussian(new java.util.SplittableRandom(5), 100 * 16);
    float[] floor = gaussian(new java.util.SplittableRandom(6), n * 16);
    ReferenceData ref =
        new ReferenceData(data, 100, floor, n, 16, "100 test images", "60 other test images");
    float[] noise = new float[n * 16];
    new GaussianNoise(3).fill(0, n, 16, noise);
    try (FlowModel model = FlowModel.open(image);
        QualityMetrics quality = QualityMetrics.against(ref, new int[] {1, 4, 4}, classifier, 1)) {
      Comparison.Report report =
          Comparison.on(model)
              .solvers("euler:2 rk4:4")
              .samples(n)
              .seed(3)
              .noReference()
              .quality(quality)
              .run();
      ClassShares classes = report.data().classes();
      assertEquals(List.of("first", "second", "third"), classes.names());
      assertArrayEquals(argmaxCounts(data, 100), classes.data().counts());
      for (SettingResult r : report.results()) {
        assertArrayEquals(argmaxCounts(noise, n), r.classes().counts(), r.setting().label());
      }

      List<String> written = report.writeTo(dir.resolve("out"));
      assertTrue(written.containsAll(List.of("class-histogram.png", "class-histogram.svg")));
      String svg = Files.readString(dir.resolve("out/class-histogram.svg"));
      for (String label : List.of(">data<", ">euler:2<", ">rk4:4<", ">first<", ">third<")) {
        assertTrue(svg.contains(label), label);
      }
      assertTrue(
          Files.readString(dir.resolve("out/report.html")).contains("alt=\"class-histogram\""));
      String json = Files.readString(dir.resolve("out/results.json"));
      String counts = java.util.Arrays.toString(argmaxCounts(noise, n)).replace(" ", "");
      assertTrue(json.replaceAll("\\s", "").contains("\"class_counts\":" + counts), json);
    }
  }

  /** Per class c of the test classifier: how many images have their largest sum of pixels k ≡ c. */
  private static int[] argmaxCounts(float[] images, int n) {
    int[] counts = new int[3];
    for (int i = 0; i < n; i++) {
      double[] sums = new double[3];
      for (int k = 0; k < 16; k++) {
        sums[k % 3] += images[i * 16 + k];
      }
      int best = 0;
      for (int c = 1; c < 3; c++) {
        best = sums[c] > sums[best] ? c : best;
      }
      counts[best]++;
    }
    return counts;
  }

  private static float[] gaussian(java.util.SplittableRandom r, int count) {
    float[] x = new float[count];
    for (int i = 0; i < count; i++) {
      x[i] =
          (float)
              (Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                  * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return x;
  }

  /** The row without wall_s, model_s and samples_per_s (columns 10-12). */
  static String withoutTimes(String row) {
    String[] cells = row.split(",", -1);
    cells[10] = cells[11] = cells[12] = "";
    return String.join(",", cells);
  }
}
