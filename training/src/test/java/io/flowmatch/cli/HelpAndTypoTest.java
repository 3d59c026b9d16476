package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --help} layout (groups, defaults, examples), "did you mean", and UTF-8 under LANG=C. */
class HelpAndTypoTest {
  @TempDir Path tmp;

  private static String help(String command) {
    CliRun r = run(command, "--help");
    assertEquals(0, r.code(), r.err());
    return r.out();
  }

  @Test
  void bigCommandsListTheirOptionsUnderHeadings() {
    Map<String, List<String>> headings =
        Map.of(
            "train",
            List.of(
                "Data:",
                "Model:",
                "Optimisation:",
                "Precision:",
                "Run folder:",
                "Path and time sampling:",
                "Device:",
                "Progress and errors:",
                "Help:"),
            "sample",
            List.of(
                "Model and device:",
                "Solver:",
                "Trajectories:",
                "Pictures:",
                "Progress and errors:"),
            "compare",
            List.of("Model and device:", "Quality metrics:", "Progress and errors:"),
            "eval",
            List.of("Model and device:", "Solver:", "Quality metrics:", "Progress and errors:"));
    for (Map.Entry<String, List<String>> e : headings.entrySet()) {
      String h = help(e.getKey());
      int last = -1;
      for (String heading : e.getValue()) {
        int at = h.indexOf("\n" + heading + "\n");
        assertTrue(at > 0, e.getKey() + " --help has no '" + heading + "':\n" + h);
        assertTrue(at > last, e.getKey() + ": '" + heading + "' out of order");
        last = at;
      }
      // an option under its heading: --solver under Solver, --threads under its group
      if (!e.getKey().equals("train")) {
        assertTrue(
            h.indexOf("      --threads=T") > h.indexOf("\nModel and device:\n"),
            e.getKey() + ":\n" + h);
      }
    }
    String train = help("train");
    int model = train.indexOf("\nModel:\n");
    int optimisation = train.indexOf("\nOptimisation:\n");
    int width = train.indexOf("      --width=W");
    assertTrue(width > model && width < optimisation, train);
    assertTrue(train.indexOf("      --lr=LR") > optimisation, train);
  }

  @Test
  void trainShowsItsDefaults() {
    String h = help("train").replaceAll("\\s+", " ");
    assertTrue(h.contains("Default: mlp 256, unet 32, dit 192"), h); // --width
    assertTrue(h.contains("Default: mlp 4, unet 1, dit 6"), h); // --depth
    assertTrue(h.contains("--steps=N optimizer steps in total (required for a new run"), h);
    assertTrue(h.contains("Default: none: required for a new run"), h);
    // an initial value shows once: picocli's line is dropped where the text already says it
    String export = help("export").replaceAll("\\s+", " ");
    assertFalse(export.contains("Default: fp32"), export);
    assertTrue(export.contains("default fp32"), export);
    // flags show no "Default: false"
    assertFalse(h.contains("Default: false"), h);
  }

  @Test
  void everyCommandHasExamples() {
    CommandLine root = new CommandLine(new Main());
    Commands.register(root);
    for (String name : root.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      String h = help(name);
      int at = h.indexOf("\nExamples:\n");
      assertTrue(at > 0, name + " --help has no Examples section:\n" + h);
      assertTrue(h.substring(at).contains("flowmatch " + name + " "), name + ":\n" + h);
    }
  }

  /** --version prints the version results files carry (the root pom's, one place), everywhere. */
  @Test
  void versionIsTheProjectVersionInEveryCommand() {
    String version = io.flowmatch.inference.compare.Provenance.current().version();
    assertFalse(version.equals("unknown"), "flowmatch.properties was not filtered");
    CommandLine root = new CommandLine(new Main());
    Commands.register(root);
    assertEquals("flowmatch " + version, CliRun.run("--version").out().strip());
    for (String name : root.getSubcommands().keySet()) {
      if (name.equals("help")) {
        continue;
      }
      CliRun r = CliRun.run(name, "--version");
      assertEquals(0, r.code(), name + ": " + r.err());
      assertEquals("flowmatch " + version, r.out().strip(), name + " --version");
    }
  }

  /**
   * Each element of a description is a paragraph that picocli wraps to the terminal: one that stops
   * mid-sentence is a hard line break, and the help reads ragged ("...the lowest the graph needs /
   * above it;").
   */
  @Test
  void descriptionParagraphsEndWhereSentencesEnd() {
    CommandLine root = new CommandLine(new Main());
    Commands.register(root);
    List<String> ragged = new java.util.ArrayList<>();
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue; // picocli's own
      }
      for (String line : e.getValue().getCommandSpec().usageMessage().description()) {
        String p = line.strip();
        if (!(p.endsWith(".") || p.endsWith(".)") || p.endsWith(":"))) {
          ragged.add(e.getKey() + ": '" + p + "'");
        }
      }
    }
    assertEquals(List.of(), ragged);
  }

  /** flowmatch --help shows each description's first line: it must be a whole sentence. */
  @Test
  void commandSummariesAreWholeSentences() {
    CommandLine root = new CommandLine(new Main());
    Commands.register(root);
    for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
      String[] d = e.getValue().getCommandSpec().usageMessage().description();
      String first = d[0].strip();
      assertTrue(first.endsWith(".") || first.endsWith(".)"), e.getKey() + ": '" + first + "'");
    }
  }

  @Test
  void aTypoSuggestsTheNearestNameOnOneLine() {
    CliRun r = run("sampel", "--n", "3");
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().contains("; did you mean sample? (try 'flowmatch --help')"), r.err());

    r = run("train", "--stpes", "5", "--out", tmp.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err()
            .startsWith("flowmatch train: unknown options: '--stpes', '5'; did you mean --steps?"),
        r.err());

    r = run("sample", "--solvr", "heun");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("did you mean --solver?"), r.err());

    // nothing near: no suggestion
    r = run("sample", "--zzzzzzzz");
    assertEquals(2, r.code(), r.err());
    assertFalse(r.err().contains("did you mean"), r.err());
  }

  /**
   * Under LANG=C Java 17 encodes stdout and stderr in ASCII and prints "σ" or "≥" as "?": a child
   * JVM with LANG=C and LC_ALL=C must still write them as UTF-8 bytes.
   */
  @Test
  void writesUtf8UnderTheCLocale() throws Exception {
    String[] help = {"train", "--help"};
    byte[] out = child(help).get(0);
    String text = new String(out, StandardCharsets.UTF_8);
    assertTrue(text.contains("σ_min of the condot path"), text);
    assertTrue(contains(out, "σ".getBytes(StandardCharsets.UTF_8)));
    assertFalse(text.contains("?_min"), text);

    // stderr: a one-line error with "≥"
    List<byte[]> r =
        child(
            "train",
            "--data",
            "moons",
            "--steps",
            "5",
            "--sample-every",
            "-1",
            "--threads",
            "1",
            "--out",
            tmp.resolve("run").toString());
    String err = new String(r.get(1), StandardCharsets.UTF_8);
    assertTrue(err.contains("--sample-every must be ≥ 0, got -1"), err);
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** stdout and stderr bytes of {@code flowmatch args} in a child JVM under the C locale. */
  private List<byte[]> child(String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(TrainRuns.childJvm(List.of(), args));
    pb.environment().put("LANG", "C");
    pb.environment().put("LC_ALL", "C");
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Path err = tmp.resolve("child-err.txt");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return List.of(out, Files.readAllBytes(err));
  }

  /** The captured streams of a run in this JVM are UTF-8 too (what the tests above rely on). */
  @Test
  void capturedStreamsAreUtf8() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            new PrintStream(out, true, StandardCharsets.US_ASCII),
            new PrintStream(err, true, StandardCharsets.US_ASCII),
            "train",
            "--help");
    assertEquals(0, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("σ_min"));
  }
}
