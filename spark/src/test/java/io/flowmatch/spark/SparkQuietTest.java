package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.spark.cli.SparkMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@code flowmatch spark} keeps the one meaning of {@code --quiet} (the training module's {@code
 * QuietTest} checks the other commands the same way): each command runs plainly and with --quiet;
 * the quiet run's stderr is empty and its stdout is exactly the plain run's result lines, numbers
 * masked.
 */
class SparkQuietTest {
  static final String OUT = "@OUT@";
  static final String NOTHING = "(?!)";
  static final String GMM8 = SparkTesting.model("gmm8.onnx").toString();

  @TempDir static Path tmp;

  /** One command: its arguments ({@link #OUT}: a path of the run's own), its result lines. */
  record Case(String name, String results, String... args) {
    @Override
    public String toString() {
      return name;
    }
  }

  private record Run(int code, String out, String err) {}

  @BeforeAll
  static void imageSamples() {
    SparkTesting.cli(
        "sample",
        "--model",
        SparkTesting.model("fashion-mnist-dit.onnx").toString(),
        "--n",
        "16",
        "--solver",
        "euler",
        "--steps",
        "2",
        "--threads",
        "1",
        "--save-npy",
        tmp.resolve("images.npy").toString(),
        "--quiet");
  }

  static Stream<Case> cases() {
    List<String> local =
        List.of("--master", "local[1]", "--conf", "spark.ui.enabled=false", "--threads", "1");
    return Stream.of(
        // the samples are its job; the "sampled …" line is a summary
        new Case(
            "sample",
            NOTHING,
            with(local, "sample", "--model", GMM8, "--n", "64", "--steps", "4", "--out", OUT)),
        new Case(
            "eval",
            ".*",
            with(
                local,
                "eval",
                "--model",
                SparkTesting.model("fashion-mnist-dit.onnx").toString(),
                "--samples",
                tmp.resolve("images.npy").toString(),
                "--classifier",
                SparkTesting.model("fashion-mnist-classifier.onnx").toString(),
                "--data-n",
                "64")),
        new Case(
            "compare",
            "(?!wrote ).*",
            with(
                local,
                "compare",
                "--model",
                GMM8,
                "--n",
                "32",
                "--solvers",
                "euler:4 heun:2",
                "--no-reference",
                "--out",
                OUT)));
  }

  private static String[] with(List<String> local, String command, String... args) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(local);
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void quietKeepsOnlyTheResults(Case c) {
    Run plain = run(c, "plain", false);
    Run quiet = run(c, "quiet", true);
    assertEquals(0, plain.code(), plain.err());
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.err(), c.name() + " --quiet: nothing on stderr");
    Pattern results = Pattern.compile(c.results());
    List<String> expected =
        plain
            .out()
            .lines()
            .filter(l -> results.matcher(l).matches())
            .map(SparkQuietTest::mask)
            .toList();
    List<String> got = quiet.out().lines().map(SparkQuietTest::mask).toList();
    assertEquals(expected, got, c.name() + " --quiet: the result lines only\n" + quiet.out());
    if (!c.results().equals(NOTHING)) {
      assertFalse(got.isEmpty(), c.name() + " --quiet still prints its results");
    }
    // spark eval prints its scores and nothing else: with or without --quiet the same
    if (!c.results().equals(".*")) {
      assertTrue(
          plain.out().lines().count() + plain.err().lines().count() > got.size(),
          c.name() + " without --quiet says more than its results");
    }
  }

  /** Every spark command that takes --quiet has a case here. */
  @Test
  void everyQuietCommandHasACase() {
    Set<String> quiet = new TreeSet<>();
    CommandLine cli = new CommandLine(new SparkMain());
    for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
      if (e.getValue().getCommandSpec().findOption("--quiet") != null) {
        quiet.add(e.getKey());
      }
    }
    assertFalse(quiet.isEmpty(), "the spark commands take --quiet");
    assertEquals(
        quiet, cases().map(c -> c.args()[0]).collect(Collectors.toCollection(TreeSet::new)));
  }

  private static Run run(Case c, String mode, boolean quiet) {
    String out = tmp.resolve(c.name() + "-" + mode).toString();
    List<String> args = new ArrayList<>();
    for (String a : c.args()) {
      args.add(a.replace(OUT, out));
    }
    if (quiet) {
      args.add("--quiet");
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code =
        SparkMain.run(
            new PrintStream(o, true, StandardCharsets.UTF_8),
            new PrintStream(e, true, StandardCharsets.UTF_8),
            args.toArray(String[]::new));
    return new Run(
        code,
        o.toString(StandardCharsets.UTF_8).replace(out, OUT),
        e.toString(StandardCharsets.UTF_8));
  }

  /** A line with its numbers masked and its spaces collapsed: times differ between the runs. */
  static String mask(String line) {
    return line.replaceAll("[-+]?\\d+([.,]\\d+)*([eE][-+]?\\d+)?", "#").replaceAll("\\s+", " ");
  }
}
