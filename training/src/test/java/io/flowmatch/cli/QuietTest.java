package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.dataset.IdxLabels;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.data.IdxLabelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code --quiet} means one thing in every command ({@code RunOutputOptions.QUIET_HELP}): each
 * command runs twice, plainly and with {@code --quiet}; the quiet run's stderr is empty (the plain
 * one shows progress: reports at every update here), and its stdout is exactly the plain run's
 * result lines, numbers masked (times differ from run to run). The spark commands have the same
 * test in the spark module ({@code SparkQuietTest}).
 */
class QuietTest {
  static final String GMM8 = Path.of("..", "models", "gmm8.onnx").toString();
  static final String CHECKERBOARD = Path.of("..", "models", "checkerboard-mlp.onnx").toString();
  static final String OUT = "@OUT@";
  static final String NOTHING = "(?!)";

  @TempDir static Path tmp;

  /**
   * One command: its arguments ({@link #OUT} stands for a path of the run's own) and the pattern of
   * its result lines, which --quiet keeps; {@link #NOTHING} for a command whose job is a file.
   */
  record Case(String name, String results, String... args) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void everyUpdate() throws IOException {
    TestEngine.oneThread();
    System.setProperty("flowmatch.progress.every", "0");
    CliRun x =
        run("sample", "--model", GMM8, "--n", "40", "--steps", "4", "--save-npy", x(), "--quiet");
    assertEquals(0, x.code(), x.err());
    int[] train = new int[64];
    int[] test = new int[20];
    for (int i = 0; i < train.length; i++) {
      train[i] = i % 10;
    }
    for (int i = 0; i < test.length; i++) {
      test[i] = (3 * i) % 10;
    }
    Path data = tmp.resolve("bars");
    IdxLabelFiles.barImages(data, "train", train);
    IdxLabelFiles.labels(data, "train", IdxLabels.LABEL_MAGIC, train);
    IdxLabelFiles.barImages(data, "t10k", test);
    IdxLabelFiles.labels(data, "t10k", IdxLabels.LABEL_MAGIC, test);
    CliRun run = run(TrainRuns.tiny(tmp.resolve("run").toString(), 3, "--quiet"));
    assertEquals(0, run.code(), run.err());
  }

  @AfterAll
  static void defaults() {
    System.clearProperty("flowmatch.progress.every");
  }

  private static String x() {
    return tmp.resolve("x.npy").toString();
  }

  static Stream<Case> cases() {
    String gmm = GMM8;
    String solve = "--steps";
    return Stream.of(
        new Case(
            "sample",
            NOTHING,
            "sample",
            "--model",
            gmm,
            "--n",
            "40",
            solve,
            "4",
            "--save-npy",
            OUT + ".npy"),
        new Case(
            "encode", NOTHING, "encode", "--model", gmm, "--input", x(), "--out", OUT + ".npy"),
        new Case(
            "decode",
            NOTHING,
            "decode",
            "--model",
            gmm,
            "--input",
            x(),
            "--save-npy",
            OUT + ".npy"),
        new Case(
            "interpolate",
            NOTHING,
            "interpolate",
            "--model",
            gmm,
            "--a",
            "1,0",
            "--b",
            "0,1",
            "--frames",
            "3",
            solve,
            "4",
            "--save-npy",
            OUT + ".npy"),
        // without --out, the figures are the result; with it, they are in the file
        new Case(
            "likelihood",
            ".*",
            "likelihood",
            "--model",
            gmm,
            "--input",
            x(),
            "--solver",
            "rk4",
            solve,
            "4"),
        new Case(
            "likelihood --out",
            NOTHING,
            "likelihood",
            "--model",
            gmm,
            "--input",
            x(),
            "--solver",
            "rk4",
            solve,
            "4",
            "--out",
            OUT + ".npy"),
        new Case(
            "eval",
            "(?!wrote ).*",
            "eval",
            "--model",
            gmm,
            "--n",
            "64",
            solve,
            "4",
            "--data-n",
            "256",
            "--out",
            OUT),
        new Case(
            "compare",
            "(?!wrote ).*",
            "compare",
            "--model",
            gmm,
            "--n",
            "32",
            "--solvers",
            "euler:4 heun:2",
            "--no-reference",
            "--out",
            OUT),
        new Case(
            "tune-grid",
            "(?!wrote ).*",
            "tune-grid",
            "--model",
            gmm,
            "--solver",
            "heun",
            "--nfe",
            "4",
            "--calibration",
            "16",
            "--max-evals",
            "10",
            "--reference-tol",
            "1e-4",
            "--no-reference-cache",
            "--out",
            OUT + ".json"),
        // its result is the last line: steps, last loss, samples/s
        new Case("train", "train: \\d+ steps done, last loss .*", TrainRuns.tiny(OUT, 3)),
        new Case(
            "train-classifier",
            "test accuracy .*|  \\S.* +[0-9.]+%",
            "train-classifier",
            "--data-dir",
            tmp.resolve("bars").toString(),
            "--epochs",
            "1",
            "--batch",
            "32",
            "--out",
            OUT + ".onnx"),
        // the written model is the result of these three; their lines describe it
        new Case(
            "quantize",
            NOTHING,
            "quantize",
            "--model",
            CHECKERBOARD,
            "--out",
            OUT + ".onnx",
            "--check-quality",
            "--n",
            "64",
            "--threads",
            "1"),
        new Case("opset", NOTHING, "opset", gmm, "--out", OUT + ".onnx"),
        new Case(
            "export",
            NOTHING,
            "export",
            "--run",
            tmp.resolve("run").toString(),
            "--out",
            OUT + ".onnx"),
        new Case(
            "bench",
            "(?!sampling grid: |wrote |load average after the grid).*",
            "bench",
            "--skip-peak",
            "--models",
            gmm,
            "--batches",
            "4",
            "--solvers",
            "euler:2",
            "--repeats",
            "1",
            "--threads",
            "1",
            "--csv",
            OUT + ".csv"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void quietKeepsOnlyTheResults(Case c) {
    CliRun plain = runCase(c, "plain", false);
    CliRun quiet = runCase(c, "quiet", true);
    assertEquals(0, plain.code(), plain.err());
    assertEquals(0, quiet.code(), quiet.err());
    assertNotEquals("", plain.err(), c.name() + " without --quiet shows progress");
    assertEquals("", quiet.err(), c.name() + " --quiet: nothing on stderr");
    Pattern results = Pattern.compile(c.results());
    List<String> expected =
        plain.out().lines().filter(l -> results.matcher(l).matches()).map(QuietTest::mask).toList();
    List<String> got = quiet.out().lines().map(QuietTest::mask).toList();
    assertEquals(expected, got, c.name() + " --quiet: the result lines only\n" + quiet.out());
    if (!c.results().equals(NOTHING)) {
      assertFalse(got.isEmpty(), c.name() + " --quiet still prints its results");
    }
    assertTrue(
        plain.out().lines().count() + plain.err().lines().count() > got.size(),
        c.name() + " without --quiet says more than its results");
  }

  /** Every command that takes --quiet has a case here (or in the spark module's test). */
  @Test
  void everyQuietCommandHasACase() {
    Set<String> quiet = new TreeSet<>();
    CommandLine cli = new CommandLine(new Main());
    Commands.register(cli);
    for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
      if (e.getValue().getCommandSpec().findOption("--quiet") != null) {
        quiet.add(e.getKey());
      }
    }
    Set<String> covered =
        cases().map(c -> c.args()[0]).collect(Collectors.toCollection(TreeSet::new));
    quiet.removeAll(covered);
    assertEquals(Set.of(), quiet, "commands with --quiet but no case in QuietTest");
  }

  private static CliRun runCase(Case c, String mode, boolean quiet) {
    String out = tmp.resolve(c.name().replace(' ', '-') + "-" + mode).toString();
    List<String> args = new ArrayList<>();
    for (String a : c.args()) {
      args.add(a.replace(OUT, out));
    }
    if (quiet) {
      args.add("--quiet");
    }
    CliRun r = CliRun.run(args.toArray(String[]::new));
    return new CliRun(r.code(), r.out().replace(out, OUT), r.err());
  }

  /** A line with its numbers masked and its spaces collapsed: times differ between the runs. */
  static String mask(String line) {
    return line.replaceAll("[-+]?\\d+([.,]\\d+)*([eE][-+]?\\d+)?", "#").replaceAll("\\s+", " ");
  }
}
