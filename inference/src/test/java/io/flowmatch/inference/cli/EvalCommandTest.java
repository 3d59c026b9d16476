package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.io.Npy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flowmatch eval} through the CLI entry point: metrics, floors, histograms, bad input. */
class EvalCommandTest {
  static final String P = "flowmatch eval: ";

  @TempDir static Path models;
  static String mixture;
  static String image;
  static String classifier;

  @TempDir Path dir;

  @BeforeAll
  static void build() throws IOException {
    mixture = CompareTestModels.mixture(models.resolve("gmm3.onnx")).toString();
    image = CompareTestModels.image(models.resolve("image.onnx"), 4).toString();
    classifier =
        CompareTestModels.classifier(models.resolve("classifier.onnx"), 1, 4, 4).toString();
  }

  static void assertError(int code, String line, Run r) {
    assertEquals(P + line + "\n", r.err());
    assertEquals(code, r.code(), r.err());
    assertEquals("", r.out());
  }

  /** The samples' value and the floor of one metric line. */
  static double[] metric(String out, String name) {
    Matcher m = Pattern.compile("\n" + name + " +(\\S+) +(\\S+) +(\\S+)\n").matcher(out);
    assertTrue(m.find(), out);
    return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
  }

  @Test
  void drawsSamplesAndPrintsMetricsNextToTheirFloor() {
    Run good = run("eval", "--model", mixture, "--n", "600", "--steps", "20", "--data-n", "3000");
    assertEquals(0, good.code(), good.err());
    assertTrue(
        good.out()
            .startsWith(
                "scored 600 samples of "
                    + mixture
                    + " with heun (20 steps), seed 0 (NFE/sample 40, "),
        good.out());
    assertTrue(
        good.out()
            .contains("\nagainst 3000 fresh gmm3 samples; floor: 600 other fresh gmm3 samples\n"),
        good.out());
    double[] energy = metric(good.out(), "energy");
    double[] sw2 = metric(good.out(), "sw2");
    assertTrue(
        energy[0] < 3 * energy[1], "an accurate solver scores near the floor: " + good.out());
    Run bad =
        run(
            "eval",
            "--model",
            mixture,
            "--n",
            "600",
            "--solver",
            "euler",
            "--steps",
            "1",
            "--data-n",
            "3000");
    assertEquals(0, bad.code(), bad.err());
    assertEquals(
        energy[1], metric(bad.out(), "energy")[1], "the same floor for the same seed and n");
    assertTrue(
        metric(bad.out(), "energy")[0] > 10 * energy[1],
        "one Euler step misses the mixture: " + bad.out());
    assertTrue(metric(bad.out(), "sw2")[0] > 2 * sw2[1], bad.out());
  }

  @Test
  void scoresASamplesFile() throws IOException {
    Path samples = dir.resolve("s.npy");
    assertEquals(
        0,
        run(
                "sample",
                "--model",
                mixture,
                "--n",
                "500",
                "--steps",
                "20",
                "--save-npy",
                samples.toString(),
                "--quiet")
            .code());
    Run fromFile =
        run("eval", "--model", mixture, "--samples", samples.toString(), "--data-n", "1000");
    Run drawn = run("eval", "--model", mixture, "--n", "500", "--steps", "20", "--data-n", "1000");
    assertEquals(0, fromFile.code(), fromFile.err());
    assertTrue(
        fromFile.out().startsWith("scored 500 samples of " + samples + "\n"), fromFile.out());
    assertEquals(
        metric(drawn.out(), "energy")[0],
        metric(fromFile.out(), "energy")[0],
        "same samples, same score");
  }

  /**
   * Images with a classifier whose features are the pixels: samples = the reference images + 1 in
   * every pixel shift the 16 feature means by 1 and keep the covariance, so FD = 16 exactly.
   */
  @Test
  void frechetDistanceAndClassHistogramWithAClassifier() throws IOException {
    Path data = dir.resolve("data.npy");
    Path floor = dir.resolve("floor.npy");
    float[] reference = CompareTestModels.gaussianNpy(data, 3, 200, new int[] {1, 4, 4}, 0, 0.5);
    CompareTestModels.gaussianNpy(floor, 4, 200, new int[] {1, 4, 4}, 0, 0.5);
    float[] shifted = reference.clone();
    for (int i = 0; i < shifted.length; i++) {
      shifted[i] += 1;
    }
    Path samples = dir.resolve("shifted.npy");
    Npy.write(samples, new int[] {200, 1, 4, 4}, shifted);
    Run r =
        run(
            "eval",
            "--model",
            image,
            "--samples",
            samples.toString(),
            "--data",
            data.toString(),
            "--floor-data",
            floor.toString(),
            "--classifier",
            classifier);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "\nagainst 200 samples of " + data + "; floor: 200 samples of " + floor + "\n"),
        r.out());
    assertEquals(16, metric(r.out(), "fd")[0], 1e-3, r.out());
    assertTrue(metric(r.out(), "fd")[1] < 1, "independent draws of the same Gaussian: " + r.out());
    assertTrue(r.out().contains("class histogram (classifier's argmax): "), r.out());
    Matcher rows =
        Pattern.compile("\n(\\d) (first|second|third) +(\\d+) +\\S+% +\\S+%").matcher(r.out());
    int total = 0;
    int lines = 0;
    while (rows.find()) {
      total += Integer.parseInt(rows.group(3));
      lines++;
    }
    assertEquals(3, lines, r.out());
    assertEquals(200, total);
  }

  @Test
  void samplesFileOfTheWrongShape() throws IOException {
    Path wide = dir.resolve("wide.npy");
    CompareTestModels.gaussianNpy(wide, 1, 10, new int[] {3}, 0, 1);
    assertError(
        2,
        "--samples "
            + wide
            + " has shape (10, 3), expected (N, 2) for this model's samples of shape [2]",
        run("eval", "--model", mixture, "--samples", wide.toString()));
    assertError(
        2,
        "--steps is for drawing samples; --samples gives them already",
        run("eval", "--model", mixture, "--samples", wide.toString(), "--steps", "4"));
    Path few = dir.resolve("few.npy");
    CompareTestModels.gaussianNpy(few, 1, 10, new int[] {2}, 0, 1);
    assertError(
        2,
        "--n 20 is more than the 10 samples in --samples " + few,
        run("eval", "--model", mixture, "--samples", few.toString(), "--n", "20"));
  }

  @Test
  void classifierWhoseInputDoesNotMatchTheModelsData() throws IOException {
    String big = CompareTestModels.classifier(dir.resolve("c28.onnx"), 1, 28, 28).toString();
    assertError(
        2,
        "classifier "
            + big
            + " takes x float32 [N,1,28,28], but the model's samples have shape [2]"
            + " (expected float32 [N,2])",
        run("eval", "--model", mixture, "--n", "10", "--classifier", big));
    Path data = dir.resolve("img.npy");
    CompareTestModels.gaussianNpy(data, 3, 40, new int[] {1, 4, 4}, 0, 0.5);
    String noFeatures =
        CompareTestModels.classifierWithoutFeatures(dir.resolve("nf.onnx")).toString();
    assertError(
        1,
        "classifier "
            + noFeatures
            + " has no output tensor 'features' (its outputs: [logits]); expected"
            + " input x [N,...sample shape], outputs logits [N,K] and features [N,D]",
        run(
            "eval",
            "--model",
            image,
            "--n",
            "20",
            "--data",
            data.toString(),
            "--classifier",
            noFeatures));
    assertError(
        2,
        "--classifier nope.onnx: no such file",
        run("eval", "--model", mixture, "--classifier", "nope.onnx"));
  }

  @Test
  void nothingToScoreAgainst() throws IOException {
    String spiral = CompareTestModels.spiral(dir.resolve("spiral.onnx")).toString();
    assertError(
        2,
        "no data to score samples against: the model names no data set; give --data FILE.npy",
        run("eval", "--model", spiral, "--n", "10"));
    String image9 = CompareTestModels.image(dir.resolve("image9.onnx"), 9).toString();
    Path data = dir.resolve("img.npy");
    CompareTestModels.gaussianNpy(data, 3, 40, new int[] {1, 9, 9}, 0, 0.5);
    assertError(
        2,
        "no quality metric for samples of 81 values without a classifier: give --classifier C.onnx",
        run("eval", "--model", image9, "--n", "20", "--data", data.toString()));
  }

  /**
   * A model of an image set reads the IDX files: training images as the reference, test images as
   * the floor.
   */
  @Test
  void imageSetsComeFromTheirIdxFiles() throws IOException {
    Path idx = dir.resolve("idx");
    java.nio.file.Files.createDirectories(idx);
    io.flowmatch.inference.dataset.IdxFiles.write(
        idx.resolve("train-images-idx3-ubyte.gz"), 50, 4, 4, true, 0x803);
    io.flowmatch.inference.dataset.IdxFiles.write(
        idx.resolve("t10k-images-idx3-ubyte"), 30, 4, 4, false, 0x803);
    String model = CompareTestModels.image(dir.resolve("fm.onnx"), 4, "fashion-mnist").toString();
    Path samples = dir.resolve("s.npy");
    CompareTestModels.gaussianNpy(samples, 9, 20, new int[] {1, 4, 4}, 0, 0.5);
    Run r =
        run(
            "eval",
            "--model",
            model,
            "--samples",
            samples.toString(),
            "--data-dir",
            idx.toString(),
            "--classifier",
            classifier);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .contains(
                "\nagainst 50 fashion-mnist training images; floor: 20 fashion-mnist test images\n"),
        r.out());
    for (String name : new String[] {"energy", "sw2", "fd", "class_tv"}) {
      metric(r.out(), name);
    }
    Path empty = dir.resolve("empty");
    java.nio.file.Files.createDirectories(empty);
    assertError(
        2,
        "no train-images-idx3-ubyte(.gz) in "
            + empty
            + " for the model's data set fashion-mnist; give --data-dir"
            + " DIR or --data FILE.npy (Debian: apt-get install dataset-fashion-mnist)",
        run(
            "eval",
            "--model",
            model,
            "--samples",
            samples.toString(),
            "--data-dir",
            empty.toString()));
    assertError(
        2,
        "the fashion-mnist test set in "
            + idx
            + " holds 30 images, fewer than the 40 being scored; score at most 30",
        run("eval", "--model", model, "--n", "40", "--steps", "2", "--data-dir", idx.toString()));
  }
}
