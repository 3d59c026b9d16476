package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.dataset.IdxLabels;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.data.IdxLabelFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every long command reports progress the same way: with stderr a pipe (here a capture, and once a
 * real child process) it prints plain lines, never a carriage return; on a pseudo-terminal it draws
 * the bar. The reports are made at every update ({@code flowmatch.progress.every=0}) so that these
 * short runs show them.
 */
class ProgressOnAPipeTest {
  static final Path GMM8 = Path.of("..", "models", "gmm8.onnx");
  @TempDir static Path tmp;

  @BeforeAll
  static void everyUpdate() {
    TestEngine.oneThread();
    System.setProperty("flowmatch.progress.every", "0");
  }

  @AfterAll
  static void defaults() {
    System.clearProperty("flowmatch.progress.every");
  }

  private static void assertPlainProgress(String label, CliRun r) {
    assertEquals(0, r.code(), r.err());
    assertFalse(r.err().contains("\r"), label + " wrote a carriage return into a pipe: " + r.err());
    assertFalse(
        r.err().contains("\u001b"), label + " wrote an escape sequence into a pipe: " + r.err());
    assertTrue(
        r.err().contains(label + ": 100% ("), label + " showed no progress lines: " + r.err());
  }

  @Test
  void inferenceCommands() {
    String x = tmp.resolve("x.npy").toString();
    String z = tmp.resolve("z.npy").toString();
    assertPlainProgress(
        "sample",
        run(
            "sample",
            "--model",
            GMM8.toString(),
            "--n",
            "300",
            "--batch",
            "100",
            "--save-npy",
            x,
            "--threads",
            "1"));
    assertPlainProgress(
        "encode",
        run("encode", "--model", GMM8.toString(), "--input", x, "--out", z, "--threads", "1"));
    assertPlainProgress(
        "decode",
        run(
            "decode",
            "--model",
            GMM8.toString(),
            "--input",
            z,
            "--out",
            tmp.resolve("y.npy").toString(),
            "--threads",
            "1"));
    assertPlainProgress(
        "eval", run("eval", "--model", GMM8.toString(), "--n", "200", "--threads", "1"));
    assertPlainProgress(
        "compare",
        run(
            "compare",
            "--model",
            GMM8.toString(),
            "--n",
            "100",
            "--solvers",
            "euler:2,4",
            "--no-reference",
            "--threads",
            "1"));
  }

  static final Path CHECKERBOARD = Path.of("..", "models", "checkerboard-mlp.onnx");
  static final Path DIT = Path.of("..", "models", "fashion-mnist-dit.onnx");
  static final Path CLASSIFIER = Path.of("..", "models", "fashion-mnist-classifier.onnx");

  /** 20 images of the DiT's shape in [-1, 1], to score without sampling. */
  private static Path images() throws IOException {
    Path x = tmp.resolve("images.npy");
    if (!Files.exists(x)) {
      float[] v = new float[20 * 28 * 28];
      java.util.SplittableRandom r = new java.util.SplittableRandom(3);
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextDouble() * 2 - 1);
      }
      Npy.write(x, new int[] {20, 1, 28, 28}, v);
    }
    return x;
  }

  /** quantize's quality check, opset, and the classifier's scoring in eval and compare. */
  @Test
  void qualityChecksAndRewrites() throws IOException {
    assertPlainProgress(
        "quantize",
        run(
            "quantize",
            "--model",
            CHECKERBOARD.toString(),
            "--out",
            tmp.resolve("cb-int8.onnx").toString(),
            "--check-quality",
            "--n",
            "200",
            "--threads",
            "1"));
    CliRun opset =
        run(
            "opset",
            CHECKERBOARD.toString(),
            "--opset",
            "17",
            "--out",
            tmp.resolve("cb17.onnx").toString());
    assertPlainProgress("opset", opset);
    assertTrue(opset.err().contains("opset: 100% (1/1 models)"), opset.err());

    // the classifier's pass over the reference and floor images, then over the samples
    CliRun eval =
        run(
            "eval",
            "--model",
            DIT.toString(),
            "--samples",
            images().toString(),
            "--classifier",
            CLASSIFIER.toString(),
            "--data-n",
            "300",
            "--threads",
            "1");
    assertPlainProgress("eval scoring", eval);
    assertTrue(
        eval.err().contains("eval scoring: 100% (320/320 images)"),
        "reference 300 + floor 20: " + eval.err());
    assertTrue(eval.err().contains("eval scoring: 100% (20/20 images)"), eval.err());
    assertTrue(eval.out().contains("class histogram"), eval.out());

    CliRun quantize =
        run(
            "quantize",
            "--model",
            DIT.toString(),
            "--out",
            tmp.resolve("dit-int8.onnx").toString(),
            "--check-quality",
            "--n",
            "8",
            "--batch",
            "8",
            "--classifier",
            CLASSIFIER.toString(),
            "--data-n",
            "40",
            "--threads",
            "1");
    // 8 samples are too few for a quality verdict: what counts here is what stderr showed
    assertFalse(quantize.err().contains("\r"), quantize.err());
    assertTrue(
        quantize.err().contains("quantize scoring: 100% (48/48 images)"),
        "reference 40 + floor 8: " + quantize.err());
    assertTrue(quantize.err().contains("quantize: 100% (16/16 samples)"), quantize.err());
    assertTrue(quantize.err().contains("quantize scoring: 100% (16/16 images)"), quantize.err());
  }

  @Test
  void quietMeansNoProgressAnywhere() {
    for (String[] args :
        List.of(
            new String[] {"sample", "--model", GMM8.toString(), "--n", "50", "--quiet"},
            new String[] {"eval", "--model", GMM8.toString(), "--n", "50", "--quiet"},
            new String[] {
              "compare",
              "--model",
              GMM8.toString(),
              "--n",
              "50",
              "--solvers",
              "euler:2",
              "--no-reference",
              "--quiet"
            },
            new String[] {
              "quantize",
              "--model",
              CHECKERBOARD.toString(),
              "--out",
              tmp.resolve("quiet-int8.onnx").toString(),
              "--check-quality",
              "--n",
              "100",
              "--quiet"
            },
            new String[] {
              "opset",
              CHECKERBOARD.toString(),
              "--out",
              tmp.resolve("quiet17.onnx").toString(),
              "--quiet"
            },
            new String[] {
              "train",
              "--data",
              "moons",
              "--model",
              "mlp",
              "--width",
              "16",
              "--depth",
              "1",
              "--steps",
              "3",
              "--batch",
              "16",
              "--no-export",
              "--out",
              tmp.resolve("quiet-run").toString(),
              "--quiet"
            })) {
      CliRun r = run(args);
      assertEquals(0, r.code(), r.err());
      assertEquals("", r.err(), args[0] + " --quiet");
    }
  }

  @Test
  void trainingCommands() throws IOException {
    assertPlainProgress(
        "train",
        run(
            "train",
            "--data",
            "moons",
            "--model",
            "mlp",
            "--width",
            "16",
            "--depth",
            "1",
            "--steps",
            "5",
            "--batch",
            "32",
            "--no-export",
            "--out",
            tmp.resolve("run").toString()));
    assertPlainProgress(
        "export",
        run(
            "export",
            "--run",
            tmp.resolve("run").toString(),
            "--out",
            tmp.resolve("run.onnx").toString()));
    CliRun quietExport =
        run(
            "export",
            "--run",
            tmp.resolve("run").toString(),
            "--out",
            tmp.resolve("quiet.onnx").toString(),
            "--quiet");
    assertEquals(0, quietExport.code(), quietExport.err());
    assertEquals("", quietExport.err(), "export --quiet");
    assertEquals("", quietExport.out(), "export --quiet: the file is the result");

    Path data = tmp.resolve("bars");
    int[] train = new int[64];
    int[] test = new int[20];
    for (int i = 0; i < train.length; i++) {
      train[i] = i % 10;
    }
    for (int i = 0; i < test.length; i++) {
      test[i] = (3 * i) % 10;
    }
    IdxLabelFiles.barImages(data, "train", train);
    IdxLabelFiles.labels(data, "train", IdxLabels.LABEL_MAGIC, train);
    IdxLabelFiles.barImages(data, "t10k", test);
    IdxLabelFiles.labels(data, "t10k", IdxLabels.LABEL_MAGIC, test);
    CliRun classifier =
        run(
            "train-classifier",
            "--data-dir",
            data.toString(),
            "--epochs",
            "1",
            "--batch",
            "32",
            "--out",
            tmp.resolve("c.onnx").toString());
    assertPlainProgress("train-classifier", classifier);
    assertTrue(classifier.out().contains("1 epoch of 2 steps"), classifier.out());

    assertPlainProgress(
        "bench grid",
        run(
            "bench",
            "--models",
            GMM8.toString(),
            "--batches",
            "4",
            "--solvers",
            "euler:2",
            "--threads",
            "1",
            "--repeats",
            "1",
            "--skip-peak"));
  }

  /**
   * Runs {@code flowmatch args} in a child JVM; {@code pty} puts it on a pseudo-terminal
   * (script(1)).
   */
  private static String child(boolean pty, String... args) throws Exception {
    List<String> java = TrainRuns.childJvm(List.of("-Dflowmatch.progress.every=0"), args);
    List<String> command;
    if (pty) {
      StringBuilder line = new StringBuilder();
      for (String a : java) {
        line.append('\'').append(a.replace("'", "'\\''")).append("' ");
      }
      // stdout to a file so that only stderr is on the terminal
      line.append("> ").append(tmp.resolve("child-out.txt"));
      command = List.of("script", "-qec", line.toString(), "/dev/null");
    } else {
      command = java;
    }
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(tmp.resolve("child-stdout.txt").toFile())
            .start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), err);
    return pty ? Files.readString(tmp.resolve("child-stdout.txt")) : err;
  }

  @Test
  void aChildProcessTellsAPipeFromATerminal() throws Exception {
    String[] sample = {
      "sample",
      "--model",
      GMM8.toString(),
      "--n",
      "200",
      "--batch",
      "50",
      "--save-npy",
      tmp.resolve("child.npy").toString(),
      "--threads",
      "1"
    };
    String piped = child(false, sample);
    assertFalse(piped.contains("\r"), piped);
    assertTrue(piped.contains("sample: 100% (200/200 samples)"), piped);

    // script(1) copies the terminal's output (here only stderr) to its own stdout
    String terminal = child(true, sample);
    String tail = terminal.substring(Math.max(0, terminal.length() - 400));
    assertTrue(terminal.contains("\r") && terminal.contains("\u001b[K"), tail);
    assertTrue(
        terminal.matches("(?s).*\rsample 100%\\|#+\\| 200/200 samples \\[[^\r]*\u001b\\[K\r?\n$"),
        tail);
    assertFalse(terminal.contains("sample: "), "no plain lines on a terminal: " + tail);
  }
}
