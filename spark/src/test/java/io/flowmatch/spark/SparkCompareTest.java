package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.spark.cli.SparkMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowmatch spark compare} on local[2] against single-machine {@code flowmatch compare}: the
 * same settings, n, batch and seed give the same NFE, model calls, errors and quality, digit for
 * digit in results.csv (only the times differ), whatever the number of shards.
 */
class SparkCompareTest {
  @TempDir Path tmp;

  /** Columns that are times (they differ run to run) and the failure text (it names the shard). */
  private static final List<String> VARYING =
      List.of("wall_s", "model_s", "samples_per_s", "failure");

  private static final String SOLVERS = "euler:4,8 heun:4 rk4:3 dopri5:1e-3 dopri5:1e-7";

  @Test
  void sweepEqualsCompareWithReferenceAndQuality() throws Exception {
    String model = SparkTesting.model("gmm8.onnx").toString();
    Path single = tmp.resolve("single");
    SparkTesting.cli(
        "compare",
        "--model",
        model,
        "--n",
        "300",
        "--batch",
        "64",
        "--seed",
        "7",
        "--solvers",
        SOLVERS,
        "--max-evals",
        "130",
        "--reference-tol",
        "1e-8",
        "--no-reference-cache",
        "--threads",
        "1",
        "--quiet",
        "--out",
        single.toString());
    List<List<String>> expected = stable(single.resolve("results.csv"));
    // the header: errors and both quality scores are there, so the test compares them
    assertTrue(expected.get(0).containsAll(List.of("err_rms", "err_max", "energy", "sw2")));
    // the tight dopri5 exceeds --max-evals in both runs: a failed row, the rest go on
    List<String> failed = expected.get(6);
    assertEquals(List.of("dopri5", "uniform", "dopri5", "", "1.0E-7"), failed.subList(0, 5));
    assertEquals("", failed.get(expected.get(0).indexOf("nfe_min")), "a failed row");
    assertTrue(!expected.get(5).get(expected.get(0).indexOf("nfe_min")).isEmpty(), "1e-3 ran");

    for (String shards : new String[] {"2", "5"}) {
      Path dist = tmp.resolve("spark-" + shards);
      Run r =
          spark(
              "compare",
              "--master",
              "local[2]",
              "--conf",
              "spark.ui.enabled=false",
              "--model",
              model,
              "--n",
              "300",
              "--batch",
              "64",
              "--seed",
              "7",
              "--solvers",
              SOLVERS,
              "--max-evals",
              "130",
              "--reference-tol",
              "1e-8",
              "--threads",
              "1",
              "--shards",
              shards,
              "--out",
              dist.toString());
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("warning: dopri5:1e-7 failed: "), r.err());
      assertEquals(expected, stable(dist.resolve("results.csv")), "shards " + shards);
      assertTrue(r.out().contains(" settings = "), r.out());
      for (String f : List.of("results.json", "table.txt", "report.html")) {
        assertTrue(Files.size(dist.resolve(f)) > 0, f);
      }
    }
  }

  /**
   * {@code --reference-tol auto} (the default of both): the same ladder of tolerances, the same
   * chosen reference and the same errors as single-machine compare, digit for digit: on gmm8
   * (dop853) where three solves stop at the bound (1e-6, 1/11 of the smallest error), where the
   * third solve runs out of the budget mid-way (a tight dopri5: 1e-6 kept), and on a 784-value
   * image model (dopri5-batch, first pair).
   */
  @Test
  void automaticReferenceEqualsCompare() throws Exception {
    String gmm = SparkTesting.model("gmm8.onnx").toString();
    String image = imageModel(tmp).toString();
    String[][] cases = {
      {gmm, "300", "64", "7", "euler:8 rk4:10 dopri5:1e-5", "5"},
      {gmm, "300", "64", "7", "euler:8 rk4:10 dopri5:1e-6", "2"},
      {image, "40", "8", "5", "euler:2 heun:2", "3"},
    };
    String[] chosen = {"1e-6, double state; chosen automatically", "did not fit the budget", ""};
    for (int i = 0; i < cases.length; i++) {
      String[] c = cases[i];
      List<String> common =
          List.of(
              "--model",
              c[0],
              "--n",
              c[1],
              "--batch",
              c[2],
              "--seed",
              c[3],
              "--solvers",
              c[4],
              "--threads",
              "1");
      Path single = tmp.resolve("single-auto-" + i);
      List<String> args = new ArrayList<>(List.of("compare"));
      args.addAll(common);
      args.addAll(List.of("--no-reference-cache", "--quiet", "--out", single.toString()));
      SparkTesting.cli(args.toArray(String[]::new));
      Path dist = tmp.resolve("spark-auto-" + i);
      args = new ArrayList<>(List.of("compare", "--master", "local[2]"));
      args.addAll(List.of("--conf", "spark.ui.enabled=false"));
      args.addAll(common);
      args.addAll(List.of("--shards", c[5], "--out", dist.toString()));
      Run r = spark(args.toArray(String[]::new));
      assertEquals(0, r.code(), r.err());
      assertTrue(r.err().contains("spark compare: reference: tolerance "), r.err());

      List<List<String>> expected = stable(single.resolve("results.csv"));
      assertTrue(expected.get(0).contains("err_rms"), expected.get(0).toString());
      assertTrue(!expected.get(1).get(expected.get(0).indexOf("err_rms")).isEmpty());
      assertEquals(expected, stable(dist.resolve("results.csv")), c[0]);
      // the same chosen tolerance, bound, judged error and reason, and the same reference NFE
      String[] want = reference(single.resolve("results.json"));
      String[] got = reference(dist.resolve("results.json"));
      assertTrue(want[0].contains("chosen automatically"), want[0]);
      assertTrue(want[0].contains(chosen[i]), want[0]);
      System.out.println("case " + i + ": reference " + got[0] + ", NFE/sample " + got[1]);
      assertEquals(want[0], got[0], c[0]);
      assertEquals(want[1], got[1], c[0]);
    }
  }

  /** results.json's reference: {description, nfe_mean}. */
  private static String[] reference(Path json) throws Exception {
    com.google.gson.JsonObject ref =
        com.google.gson.JsonParser.parseString(Files.readString(json))
            .getAsJsonObject()
            .getAsJsonObject("reference");
    return new String[] {ref.get("description").getAsString(), ref.get("nfe_mean").toString()};
  }

  @Test
  void sweepWithoutReferenceEqualsCompareWithoutReference() throws Exception {
    String model = SparkTesting.model("checkerboard-mlp.onnx").toString();
    Path single = tmp.resolve("single");
    SparkTesting.cli(
        "compare",
        "--model",
        model,
        "--n",
        "200",
        "--batch",
        "32",
        "--seed",
        "3",
        "--solvers",
        "midpoint:3 dopri5:1e-2",
        "--no-reference",
        "--threads",
        "1",
        "--quiet",
        "--out",
        single.toString());
    Path dist = tmp.resolve("dist");
    Run r =
        spark(
            "compare",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--model",
            model,
            "--n",
            "200",
            "--batch",
            "32",
            "--seed",
            "3",
            "--solvers",
            "midpoint:3 dopri5:1e-2",
            "--no-reference",
            "--threads",
            "1",
            "--shards",
            "3",
            "--out",
            dist.toString());
    assertEquals(0, r.code(), r.err());
    List<List<String>> expected = stable(single.resolve("results.csv"));
    // no reference: the error cells are empty in both
    assertEquals("", expected.get(1).get(expected.get(0).indexOf("err_rms")));
    assertEquals(expected, stable(dist.resolve("results.csv")));
  }

  /**
   * Image quality: with a classifier, the Fréchet distance and class-histogram TV of every setting
   * (and their floors) equal single-machine compare's up to the order of summation of the feature
   * moments; --repeats and the pictures and class histograms of --out are there as in compare.
   */
  @Test
  void imageSweepWithClassifierEqualsCompareToSummationOrder() throws Exception {
    // a cheap image model (v = -x, Fashion-MNIST metadata): the DiT took minutes here
    String model = imageModel(tmp).toString();
    String classifier = SparkTesting.model("fashion-mnist-classifier.onnx").toString();
    List<String> common =
        List.of(
            "--model",
            model,
            // more samples than the 128 features: a full-rank covariance
            "--n",
            "160",
            "--batch",
            "32",
            "--seed",
            "5",
            "--solvers",
            "euler:2 heun:1",
            "--no-reference",
            "--classifier",
            classifier,
            "--data-n",
            "1500",
            "--repeats",
            "2",
            "--threads",
            "1");
    Path single = tmp.resolve("single");
    List<String> args = new ArrayList<>(List.of("compare"));
    args.addAll(common);
    args.addAll(List.of("--no-reference-cache", "--quiet", "--out", single.toString()));
    SparkTesting.cli(args.toArray(String[]::new));
    Path dist = tmp.resolve("dist");
    args = new ArrayList<>(List.of("compare", "--master", "local[2]"));
    args.addAll(List.of("--conf", "spark.ui.enabled=false"));
    args.addAll(common);
    args.addAll(List.of("--shards", "3", "--out", dist.toString()));
    Run r = spark(args.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());

    List<List<String>> expected = stable(single.resolve("results.csv"));
    List<List<String>> actual = stable(dist.resolve("results.csv"));
    List<String> header = expected.get(0);
    int fd = header.indexOf("fd");
    int tv = header.indexOf("class_tv");
    assertTrue(fd > 0 && tv > 0, "quality columns: " + header);
    assertEquals(header, actual.get(0));
    assertEquals(3, actual.size());
    for (int row = 1; row < expected.size(); row++) {
      List<String> e = new ArrayList<>(expected.get(row));
      List<String> a = new ArrayList<>(actual.get(row));
      double fdE = Double.parseDouble(e.get(fd));
      double fdA = Double.parseDouble(a.get(fd));
      // the feature moments are summed in another order; the class counts are integers
      assertEquals(fdE, fdA, 1e-9 * fdE, "fd, row " + row);
      assertEquals(Double.parseDouble(e.get(tv)), Double.parseDouble(a.get(tv)), 1e-12);
      e.set(fd, "");
      a.set(fd, "");
      e.set(tv, "");
      a.set(tv, "");
      assertEquals(e, a, "row " + row);
    }
    // the floors (the first 160 test images), and the repeats, as compare reports them
    String json = Files.readString(dist.resolve("results.json"));
    String singleJson = Files.readString(single.resolve("results.json"));
    double[] floor = floor(json);
    double[] singleFloor = floor(singleJson);
    assertEquals(singleFloor[0], floor[0], 1e-9 * singleFloor[0], json);
    assertEquals(singleFloor[1], floor[1], 1e-12, json);
    assertTrue(json.contains("\"repeats\": 2") || json.contains("\"repeats\":2"), json);
    // the same files: plots, class histograms, one picture per setting and the data's
    assertEquals(files(single), files(dist));
    assertTrue(files(dist).contains("samples/00-data.png"), files(dist).toString());
    assertTrue(files(dist).stream().anyMatch(f -> f.startsWith("class")), files(dist).toString());
  }

  /** v = -x on [N, 1, 28, 28] with the metadata of a Fashion-MNIST model. */
  static Path imageModel(Path dir) throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("minus");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, 1, 28, 28)
        .input("t", OnnxGraphBuilder.FLOAT, -1)
        .output("v", OnnxGraphBuilder.FLOAT, -1, 1, 28, 28);
    g.nodeNamed("Neg", "v", new String[] {"x"});
    g.metadata(ModelMetadata.DATA_SHAPE, "1,28,28")
        .metadata(ModelMetadata.DATA_RANGE, "-1,1")
        .metadata(ModelMetadata.PATH, "condot")
        .metadata(ModelMetadata.DATASET, "fashion-mnist");
    Path p = dir.resolve("minus-fmnist.onnx");
    g.save(p);
    return p;
  }

  private static double[] floor(String json) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"floor\":\\s*\\[([^\\]]*)\\]").matcher(json);
    assertTrue(m.find(), json);
    return Arrays.stream(m.group(1).split(","))
        .mapToDouble(x -> Double.parseDouble(x.trim()))
        .toArray();
  }

  private static java.util.Set<String> files(Path dir) throws Exception {
    try (var walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
  }

  @Test
  void badSolverSpecIsAUsageError() {
    Run r =
        spark(
            "compare",
            "--master",
            "local[1]",
            "--model",
            SparkTesting.model("gmm8.onnx").toString(),
            "--solvers",
            "euler:0");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("flowmatch spark compare: "), r.err());
  }

  /**
   * The options both sweeps have are one declaration: the same names, defaults and help in {@code
   * compare} and {@code spark compare}.
   */
  @Test
  void sharedOptionsAreDeclaredOnceForBothCompares() {
    picocli.CommandLine.Model.CommandSpec shared =
        picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(
            new io.flowmatch.inference.cli.CompareOptions());
    picocli.CommandLine.Model.CommandSpec single =
        new picocli.CommandLine(new io.flowmatch.inference.cli.CompareCommand()).getCommandSpec();
    picocli.CommandLine.Model.CommandSpec spark =
        new picocli.CommandLine(new SparkMain()).getSubcommands().get("compare").getCommandSpec();
    List<String> names = new ArrayList<>();
    for (picocli.CommandLine.Model.OptionSpec o : shared.options()) {
      names.add(o.longestName());
      for (picocli.CommandLine.Model.CommandSpec c : List.of(single, spark)) {
        picocli.CommandLine.Model.OptionSpec found = c.findOption(o.longestName());
        assertTrue(found != null, c.name() + " has no " + o.longestName());
        assertEquals(List.of(o.description()), List.of(found.description()), o.longestName());
        assertEquals(o.defaultValue(), found.defaultValue(), o.longestName());
        assertEquals(o.paramLabel(), found.paramLabel(), o.longestName());
      }
    }
    assertEquals(
        List.of(
            "--solvers",
            "--max-evals",
            "--no-reference",
            "--reference-tol",
            "--reference-max-evals",
            "--grid",
            "--repeats",
            "--out"),
        names);
    assertEquals("auto", spark.findOption("--reference-tol").defaultValue());
  }

  private record Run(int code, String out, String err) {}

  private static Run spark(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        SparkMain.run(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The CSV's cells without the time and failure-text columns (no cell here holds a comma). */
  private static List<List<String>> stable(Path csv) throws Exception {
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    List<String> header = Arrays.asList(lines.get(0).split(",", -1));
    List<List<String>> rows = new ArrayList<>();
    for (String line : lines) {
      // a failure text may hold commas: cut the row at the failure column
      String[] cells = line.split(",", -1);
      List<String> kept = new ArrayList<>();
      for (int i = 0; i < header.size() && i < cells.length; i++) {
        if (!VARYING.contains(header.get(i))) {
          kept.add(cells[i]);
        }
      }
      rows.add(kept);
    }
    return rows;
  }
}
