package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.assertNoTempFiles;
import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowmatch compare} end to end through the CLI entry point, on small ONNX models: the files
 * it writes, the orders visible in its CSV, the quality columns and floor.
 */
class CompareCommandTest {
  @TempDir static Path models;
  static Path spiral;
  static Path mixture;
  static Path data;

  @TempDir Path dir;

  @BeforeAll
  static void build() throws IOException {
    spiral = CompareTestModels.spiral(models.resolve("spiral.onnx"));
    mixture = CompareTestModels.mixture(models.resolve("gmm3.onnx"));
    data = models.resolve("data.npy");
    CompareTestModels.gaussianNpy(data, 5, 400, new int[] {2}, 0, 0.6);
  }

  /** The CSV as one map per row, column name → cell. */
  static List<Map<String, String>> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",", -1);
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      assertEquals(header.length, cells.length, line);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length; i++) {
        row.put(header[i], cells[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  /** Least-squares order −d log(err)/d log(NFE) of one method's rows. */
  static double order(List<Map<String, String>> rows, String method) {
    List<double[]> points = new ArrayList<>();
    for (Map<String, String> r : rows) {
      if (r.get("method").equals(method)) {
        points.add(
            new double[] {
              Math.log(Double.parseDouble(r.get("nfe_mean"))),
              Math.log(Double.parseDouble(r.get("err_rms")))
            });
      }
    }
    double mx = points.stream().mapToDouble(p -> p[0]).average().orElseThrow();
    double my = points.stream().mapToDouble(p -> p[1]).average().orElseThrow();
    double sxy = 0;
    double sxx = 0;
    for (double[] p : points) {
      sxy += (p[0] - mx) * (p[1] - my);
      sxx += (p[0] - mx) * (p[0] - mx);
    }
    return -sxy / sxx;
  }

  static int count(String text, String what) {
    int c = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      c++;
    }
    return c;
  }

  @Test
  void writesEveryFileAndTheOrdersShowInTheCsv() throws IOException {
    Path out = dir.resolve("cmp");
    Run r =
        run(
            "compare",
            "--model",
            spiral.toString(),
            "--n",
            "64",
            "--batch",
            "16",
            "--data",
            data.toString(),
            "--solvers",
            "euler:20,40,80 heun:10,20,40 rk4:4,8,16 dopri5:1e-4 dopri5-batch:1e-4",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err());
    for (String f :
        List.of(
            "results.csv",
            "results.json",
            "table.txt",
            "error-vs-nfe.png",
            "error-vs-nfe.svg",
            "error-vs-time.png",
            "error-vs-time.svg",
            "quality-vs-nfe.png",
            "quality-vs-nfe.svg",
            "sw2-vs-nfe.png",
            "sw2-vs-nfe.svg",
            "time-vs-nfe.png",
            "time-vs-nfe.svg",
            "report.html",
            "samples/00-data.png",
            "samples/00-data.svg",
            "samples/01-euler-20.png",
            "samples/01-euler-20.svg",
            "samples/10-dopri5-1e-4.png",
            "samples/11-dopri5-batch-1e-4.png")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    assertNoTempFiles(out);

    List<Map<String, String>> rows = csv(out.resolve("results.csv"));
    assertEquals(11, rows.size());
    assertEquals("euler", rows.get(0).get("solver"));
    assertEquals("20", rows.get(0).get("steps"));
    assertEquals("20.0", rows.get(0).get("nfe_mean"));
    assertEquals("80", rows.get(5).get("nfe_min"), "heun 40 steps: 2 evaluations per step");
    assertEquals("1.0E-4", rows.get(9).get("rtol"));
    // against the dop853 reference: the orders of the spiral (measured 1.07, 2.02, 4.05)
    assertEquals(1, order(rows, "euler"), 0.15);
    assertEquals(2, order(rows, "heun"), 0.15);
    assertEquals(4, order(rows, "rk4"), 0.3);
    for (Map<String, String> row : rows) {
      assertEquals("", row.get("failure"));
      assertTrue(Double.parseDouble(row.get("energy")) >= 0);
      assertTrue(Double.parseDouble(row.get("err_max")) >= Double.parseDouble(row.get("err_rms")));
    }

    // --quiet: the table is the result; the "wrote" line is not
    String table = Files.readString(out.resolve("table.txt"));
    assertEquals(table, r.out());
    // the default reference: dop853, tightened until its bound is a tenth of the smallest error
    assertTrue(
        Pattern.compile(
                "reference: dop853 \\(rtol = atol = 1e-[5-9], double state; chosen automatically:"
                    + " its error bound [0-9.e+-]+ RMS is its difference from the solve at 1e-[4-8],"
                    + " 1/[0-9.]+ of the smallest error it judges .*\\), batches of 16, NFE/sample ")
            .matcher(table)
            .find(),
        table);
    assertTrue(
        table.contains(
            "quality: energy distance D² and sliced Wasserstein-2 (128 directions) to the first 336"
                + " samples of "
                + data),
        table);
    Matcher orders =
        Pattern.compile("observed order .*: euler (\\S+) heun (\\S+) rk4 (\\S+)").matcher(table);
    assertTrue(orders.find(), table);
    assertEquals(2, Double.parseDouble(orders.group(2)), 0.15);
    assertTrue(table.contains("floor (64 data samples vs the reference data): energy "), table);

    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertEquals(
        5 + 12,
        count(html, "src=\"data:image/svg+xml;base64,"),
        "5 plots (energy and sw2 each) and 12 scatter plots embedded as SVG");
    assertEquals(0, count(html, "src=\"data:image/png;base64,"), "no raster pictures");
    assertFalse(html.contains("pixelated"), "pictures are scaled smoothly, if at all");
    assertEquals(11 + 1, count(html, "<tr>"), "a header row and one row per setting");
    assertFalse(html.contains("src=\"samples/"), "self-contained: no links to files");

    String json = Files.readString(out.resolve("results.json"));
    assertTrue(json.contains("\"label\": \"dopri5-batch:1e-4\""), json);
    assertTrue(json.contains("\"names\": [\n      \"energy\",\n      \"sw2\"\n    ]"), json);
    assertEquals(11, count(json, "\"solver\": "));
  }

  @Test
  void mixtureModelsAreScoredAgainstFreshDrawsWithoutAReference() throws IOException {
    Path out = dir.resolve("mix");
    Run r =
        run(
            "compare",
            "--model",
            mixture.toString(),
            "--n",
            "300",
            "--solvers",
            "euler:2 heun:10",
            "--no-reference",
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "quality: energy distance D² and sliced Wasserstein-2 (128 directions) to 10000 fresh"
                    + " gmm3 samples\n"),
        r.out());
    assertFalse(r.out().contains("err RMS"), "no reference, no error columns");
    List<Map<String, String>> rows = csv(out.resolve("results.csv"));
    assertEquals("", rows.get(0).get("err_rms"));
    double euler = Double.parseDouble(rows.get(0).get("energy"));
    double heun = Double.parseDouble(rows.get(1).get("energy"));
    assertTrue(euler > 5 * heun, "two Euler steps miss the mixture: " + euler + " vs heun " + heun);
    assertFalse(Files.exists(out.resolve("error-vs-nfe.png")));
    assertTrue(Files.exists(out.resolve("quality-vs-nfe.png")));
    assertTrue(Files.exists(out.resolve("sw2-vs-nfe.svg")));
  }

  @Test
  void referenceFromAFileAndTheSameNoiseGiveZeroErrorForTheSameSolver() throws IOException {
    Path ref = dir.resolve("ref.npy");
    Run sampled =
        run(
            "sample",
            "--model",
            spiral.toString(),
            "--n",
            "32",
            "--solver",
            "rk4",
            "--steps",
            "8",
            "--save-npy",
            ref.toString(),
            "--quiet");
    assertEquals(0, sampled.code(), sampled.err());
    Run r =
        run(
            "compare",
            "--model",
            spiral.toString(),
            "--n",
            "32",
            "--solvers",
            "rk4:8 euler:8",
            "--reference",
            ref.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    Matcher rk4 = Pattern.compile("\nrk4 +8 steps .* (\\S+) +(\\S+)\n").matcher(r.out());
    assertTrue(rk4.find(), r.out());
    assertEquals(
        "0.00e+00", rk4.group(1), "the same solver from the same seeded noise: bit-identical");
    assertTrue(
        r.out()
            .startsWith(
                "model "
                    + spiral
                    + ", 32 samples of shape [2], batches of 256, noise: Gaussian,"
                    + " seed 0, provider cpu\nreference: file "
                    + ref
                    + "\n"),
        r.out());
  }

  @Test
  void aFailingSettingIsReportedAndTheOthersRun() throws IOException {
    Path nan = TestModels.nanAfterHalf(dir.resolve("nan.onnx"), new int[] {2});
    Run r =
        run(
            "compare",
            "--model",
            nan.toString(),
            "--n",
            "8",
            "--solvers",
            "euler:2 euler:4",
            "--no-reference");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.err()
            .contains(
                "warning: euler:4 failed: the model returned a non-finite velocity (NaN) for samples"
                    + " 0, 1, 2, 3, 4, ... at t=0.75 (8 of 8 samples)\n"),
        r.err());
    assertTrue(
        r.out().contains("\neuler:4 failed: the model returned a non-finite velocity"), r.out());
    Run all =
        run(
            "compare",
            "--model",
            nan.toString(),
            "--n",
            "8",
            "--solvers",
            "euler:4",
            "--no-reference",
            "--quiet");
    assertEquals(1, all.code(), "every setting failed");
  }

  @Test
  void imageModelsGetImageGridsAndClassifierMetrics() throws IOException {
    String image = CompareTestModels.image(dir.resolve("image.onnx"), 4).toString();
    String classifier =
        CompareTestModels.classifier(dir.resolve("classifier.onnx"), 1, 4, 4).toString();
    Path images = dir.resolve("images.npy");
    CompareTestModels.gaussianNpy(images, 2, 100, new int[] {1, 4, 4}, 0, 0.5);
    Path out = dir.resolve("img");
    Run r =
        run(
            "compare",
            "--model",
            image,
            "--n",
            "30",
            "--solvers",
            "euler:2 rk4:4",
            "--data",
            images.toString(),
            "--classifier",
            classifier,
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(0, r.code(), r.err());
    List<Map<String, String>> rows = csv(out.resolve("results.csv"));
    for (String column : List.of("energy", "sw2", "fd", "class_tv")) {
      assertTrue(Double.parseDouble(rows.get(1).get(column)) >= 0, column);
    }
    java.awt.image.BufferedImage grid =
        io.flowmatch.inference.io.Png.read(out.resolve("samples/01-euler-2.png"));
    // 30 tiles of 4×4 pixels, upscaled ×14 (56 / 4), in a 6-column grid with 1-pixel borders,
    // under a title band
    assertEquals(6 * (4 * 14 + 1) + 1, grid.getWidth());
    int band = io.flowmatch.inference.plot.PlotText.height(2) + 16;
    assertEquals(band + 5 * (4 * 14 + 1) + 1, grid.getHeight());
    assertFalse(Files.exists(out.resolve("samples/01-euler-2.svg")), "image grids: PNG only");
    for (String metric : List.of("quality-vs-nfe", "sw2-vs-nfe", "fd-vs-nfe", "class_tv-vs-nfe")) {
      assertTrue(Files.isRegularFile(out.resolve(metric + ".svg")), metric);
    }
    // the class histogram: the data's shares, then each setting's
    String svg = Files.readString(out.resolve("class-histogram.svg"));
    for (String legend : List.of(">data<", ">euler:2<", ">rk4:4<")) {
      assertTrue(svg.contains(legend), legend);
    }
    assertTrue(Files.isRegularFile(out.resolve("class-histogram.png")));
    String html = Files.readString(out.resolve("report.html"));
    assertEquals(1 + 2, count(html, "src=\"data:image/png;base64,"), "the data's and 2 grids");
    assertTrue(html.contains("alt=\"class-histogram\""), "the class histogram in the report");
  }
}
