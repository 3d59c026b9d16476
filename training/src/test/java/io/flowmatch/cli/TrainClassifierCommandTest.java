package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.dataset.IdxLabels;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.data.IdxLabelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowmatch train-classifier} through the real entry point, on small synthetic IDX files.
 */
class TrainClassifierCommandTest {
  private static final String P = "flowmatch train-classifier: ";
  @TempDir Path tmp;

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  private static void assertOneLine(CliRun r, int code, String line) {
    assertEquals(code, r.code(), r.err());
    assertEquals(P + line, r.err().strip());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  /** Train and test files of bar images: label k is a bar at rows 2k+3, 2k+4. */
  private Path barData(int trainCount, int testCount) throws Exception {
    Path dir = tmp.resolve("data");
    int[] trainLabels = new int[trainCount];
    for (int i = 0; i < trainCount; i++) {
      trainLabels[i] = i % 10;
    }
    int[] testLabels = new int[testCount];
    for (int i = 0; i < testCount; i++) {
      testLabels[i] = (i * 7) % 10;
    }
    IdxLabelFiles.barImages(dir, "train", trainLabels);
    IdxLabelFiles.labels(dir, "train", IdxLabels.LABEL_MAGIC, trainLabels);
    IdxLabelFiles.barImages(dir, "t10k", testLabels);
    IdxLabelFiles.labels(dir, "t10k", IdxLabels.LABEL_MAGIC, testLabels);
    return dir;
  }

  @Test
  void trainsReportsAndWritesTheModel() throws Exception {
    Path data = barData(640, 200);
    Path out = tmp.resolve("models/c.onnx");
    CliRun r =
        run(
            "train-classifier",
            "--data-dir",
            data.toString(),
            "--epochs",
            "2",
            "--batch",
            "32",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("640 training images, 200 test images, 2 epochs of 20 steps"), r.out());
    assertTrue(r.out().contains("epoch 2: loss "), r.out());
    // the bars are trivially separable: 40 steps learn them all
    assertTrue(r.out().contains("test accuracy 100.00% (200 images)"), r.out());
    assertTrue(r.out().contains("parity ONNX Runtime vs DJL on 64 images"), r.out());
    assertTrue(Files.size(out) < 2_000_000);
    try (io.flowmatch.inference.runtime.OrtSessions.Session session =
        io.flowmatch.inference.runtime.OrtSessions.open(
            out, io.flowmatch.inference.runtime.OrtSessions.settings())) {
      OrtSession s = session.session();
      assertEquals("1.0000", s.getMetadata().getCustomMetadata().get("flowmatch.test_accuracy"));
      assertEquals("2", s.getMetadata().getCustomMetadata().get("flowmatch.epochs"));
    }
    assertEquals(1, count(out.getParent()), "no temp files left");
  }

  @Test
  void missingDataDir() {
    Path nowhere = tmp.resolve("nowhere");
    assertOneLine(
        run(
            "train-classifier",
            "--data-dir",
            nowhere.toString(),
            "--out",
            tmp.resolve("c.onnx").toString()),
        2,
        "--data-dir " + nowhere + " is not a folder");
  }

  @Test
  void dataDirWithoutLabels() throws Exception {
    Path dir = tmp.resolve("images-only");
    IdxLabelFiles.barImages(dir, "train", new int[] {1, 2});
    assertOneLine(
        run(
            "train-classifier",
            "--data-dir",
            dir.toString(),
            "--out",
            tmp.resolve("c.onnx").toString()),
        2,
        "data folder " + dir + " has no train-labels-idx1-ubyte.gz (nor train-labels-idx1-ubyte)");
  }

  @Test
  void labelsThatDoNotMatchTheImages() throws Exception {
    Path dir = barData(20, 10);
    IdxLabelFiles.labels(dir, "train", IdxLabels.LABEL_MAGIC, new int[] {1, 2, 3});
    assertOneLine(
        run(
            "train-classifier",
            "--data-dir",
            dir.toString(),
            "--out",
            tmp.resolve("c.onnx").toString()),
        1,
        "IDX files disagree: "
            + dir.resolve("train-images-idx3-ubyte.gz")
            + " holds 20 images, "
            + dir.resolve("train-labels-idx1-ubyte.gz")
            + " 3 labels");
  }

  @Test
  void unwritableOutFailsBeforeTraining() throws Exception {
    Path data = barData(20, 10);
    Path blocker = Files.writeString(tmp.resolve("a-file"), "x");
    Path out = blocker.resolve("c.onnx");
    CliRun r = run("train-classifier", "--data-dir", data.toString(), "--out", out.toString());
    assertOneLine(r, 1, "cannot write " + out + ": " + blocker + " exists and is not a folder");
    assertEquals("", r.out(), "nothing trained");
    assertFalse(Files.exists(out));
  }

  @Test
  void outIsAFolder() {
    assertOneLine(
        run("train-classifier", "--out", tmp.toString()),
        2,
        "--out " + tmp + " is a folder, expected a file name");
  }

  @Test
  void badNumbers() {
    String out = tmp.resolve("c.onnx").toString();
    assertOneLine(
        run("train-classifier", "--epochs", "0", "--out", out),
        2,
        "--epochs must be a positive integer, got 0");
    assertOneLine(
        run("train-classifier", "--batch", "-3", "--out", out),
        2,
        "--batch must be a positive integer, got -3");
    assertOneLine(
        run("train-classifier", "--lr", "0", "--out", out),
        2,
        "--lr must be a positive number, got 0.0");
  }

  @Test
  void stackTraceOnlyWithVerbose() throws Exception {
    Path data = barData(20, 10);
    Path out = Files.writeString(tmp.resolve("blocker"), "x").resolve("c.onnx");
    CliRun r =
        run(
            "train-classifier",
            "--data-dir",
            data.toString(),
            "--out",
            out.toString(),
            "--verbose");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("\tat "), r.err());
  }

  private static long count(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
