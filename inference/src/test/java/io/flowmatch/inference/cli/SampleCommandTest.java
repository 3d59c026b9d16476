package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.io.NpyDtype;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.ScatterPlot;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flowmatch sample} through the real CLI entry point: known answers, outputs, determinism.
 */
class SampleCommandTest {
  static final float MU = 2f;
  static final float SIGMA = 0.5f;

  @TempDir static Path models;
  static Path gaussian2d;
  static Path gaussianImages;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gaussian2d =
        TestModels.gaussian(models.resolve("gauss2d.onnx"), new int[] {2}, MU, SIGMA, true);
    gaussianImages =
        TestModels.gaussian(models.resolve("gauss-img.onnx"), new int[] {1, 8, 8}, 0f, 0.5f, true);
  }

  /** stdout, stderr and exit code of one run. */
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = InferenceMain.run(o, e, args);
    }
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void rk4FollowsTheExactFlowFromGivenNoise() throws IOException {
    float[] x0 = {0f, 0f, 1f, -1f, -2.5f, 0.3f, 1.7f, 2.2f};
    Path noise = dir.resolve("noise.npy");
    Npy.write(noise, new int[] {4, 2}, x0);
    Path samples = dir.resolve("x1.npy");
    Run r =
        run(
            "sample",
            "--model",
            gaussian2d.toString(),
            "--noise",
            noise.toString(),
            "--solver",
            "rk4",
            "--steps",
            "10",
            "--save-npy",
            samples.toString());
    assertEquals(0, r.code(), r.err());
    NpyArray a = Npy.read(samples);
    assertArrayEquals(new int[] {4, 2}, a.shape());
    for (int i = 0; i < x0.length; i++) {
      assertEquals(MU + SIGMA * x0[i], a.data()[i], 1e-5, "component " + i);
    }
    // summary: samples, NFE per sample, wall time, samples/s, ms per model call
    assertTrue(
        r.out()
            .matches(
                "(?s)sampled 4 × \\[2\\] with rk4 \\(10 steps\\) on cpu: NFE/sample 40, wall [0-9.]+ s, "
                    + "[0-9.]+ samples/s, [0-9.]+ ms per model call \\(40 calls, [0-9.]+% in the model\\)\n"
                    + "wrote .*x1.npy \\(4 samples, shape \\(4, 2\\), float32\\)\n"),
        r.out());
    assertEquals("", r.err());
  }

  @Test
  void seededNoiseIsStandardNormalAndIndependentOfTheBatchSize() throws IOException {
    // Euler with one step on this field maps x0 to μ + σ·x0 exactly (the flow is a straight line)
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    Path c = dir.resolve("c.npy");
    assertEquals(
        0,
        run(
                "sample",
                "--model",
                gaussian2d.toString(),
                "--n",
                "3000",
                "--seed",
                "7",
                "--solver",
                "euler",
                "--steps",
                "1",
                "--save-npy",
                a.toString(),
                "--quiet")
            .code());
    assertEquals(
        0,
        run(
                "sample",
                "--model",
                gaussian2d.toString(),
                "--n",
                "3000",
                "--seed",
                "7",
                "--solver",
                "euler",
                "--steps",
                "1",
                "--batch",
                "37",
                "--save-npy",
                b.toString(),
                "--quiet")
            .code());
    assertEquals(
        0,
        run(
                "sample",
                "--model",
                gaussian2d.toString(),
                "--n",
                "3000",
                "--seed",
                "8",
                "--solver",
                "euler",
                "--steps",
                "1",
                "--save-npy",
                c.toString(),
                "--quiet")
            .code());
    assertArrayEquals(
        Files.readAllBytes(a), Files.readAllBytes(b), "same seed, other batch size: same bytes");
    assertFalse(
        java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)),
        "other seed: other samples");
    float[] x = Npy.read(a).data();
    double mean = 0;
    double var = 0;
    for (float v : x) {
      double z = (v - MU) / SIGMA;
      mean += z;
      var += z * z;
    }
    mean /= x.length;
    var = var / x.length - mean * mean;
    // 6000 draws: the standard error of the mean is 0.013, of the variance 0.018
    assertEquals(0, mean, 0.06);
    assertEquals(1, var, 0.08);
  }

  @Test
  void sameSettingsGiveBitIdenticalSamples() throws IOException {
    Path a = dir.resolve("a.npy");
    Path b = dir.resolve("b.npy");
    for (Path p : new Path[] {a, b}) {
      Run r =
          run(
              "sample",
              "--model",
              gaussian2d.toString(),
              "--n",
              "500",
              "--seed",
              "3",
              "--solver",
              "dopri5",
              "--rtol",
              "1e-6",
              "--atol",
              "1e-6",
              "--threads",
              "1",
              "--save-npy",
              p.toString(),
              "--quiet");
      assertEquals(0, r.code(), r.err());
      assertEquals("", r.out());
    }
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void scatterPlotForTwoDimensionalModels() throws IOException {
    Path png = dir.resolve("plots/gauss.png");
    Run r = run("sample", "--model", gaussian2d.toString(), "--n", "2000", "--out", png.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("wrote " + png + " (scatter plot of 2000 samples)"), r.out());
    BufferedImage img = Png.read(png);
    assertEquals(ScatterPlot.SIZE, img.getWidth());
    assertEquals(ScatterPlot.SIZE, img.getHeight());
    assertNoTempFiles(dir);
  }

  @Test
  void imageGridForImageModels() throws IOException {
    Path png = dir.resolve("grid.png");
    Path npy = dir.resolve("grid.npy");
    Run r =
        run(
            "sample",
            "--model",
            gaussianImages.toString(),
            "--n",
            "10",
            "--steps",
            "2",
            "--out",
            png.toString(),
            "--save-npy",
            npy.toString());
    assertEquals(0, r.code(), r.err());
    // 10 tiles: 4 columns × 3 rows of 8×8 pixels upscaled 7× (to 56), with 1-pixel borders
    BufferedImage img = Png.read(png);
    assertEquals(4 * 57 + 1, img.getWidth());
    assertEquals(3 * 57 + 1, img.getHeight());
    // the first pixel of the first image is the first value of the .npy, mapped from [-1, 1]
    float v = Npy.read(npy).data()[0];
    int g = (int) Math.round(Math.max(0, Math.min(255, (v + 1) / 2 * 255)));
    assertEquals(g << 16 | g << 8 | g, img.getRGB(1, 1) & 0xffffff);
    assertArrayEquals(new int[] {10, 1, 8, 8}, Npy.read(npy).shape());
  }

  @Test
  void shapeOptionForModelsWithoutMetadata() throws IOException {
    Path bare = TestModels.gaussian(dir.resolve("bare.onnx"), new int[] {2}, MU, SIGMA, false);
    Run without = run("sample", "--model", bare.toString(), "--n", "5");
    assertEquals(2, without.code());
    assertTrue(
        without
            .err()
            .startsWith("flowmatch sample: model " + bare + " has dynamic sample dimensions"),
        without.err());
    assertTrue(without.err().endsWith("give the sample shape (--shape)\n"), without.err());
    Path out = dir.resolve("bare.npy");
    Run with =
        run(
            "sample",
            "--model",
            bare.toString(),
            "--n",
            "5",
            "--shape",
            "2",
            "--save-npy",
            out.toString());
    assertEquals(0, with.code(), with.err());
    assertArrayEquals(new int[] {5, 2}, Npy.read(out).shape());
  }

  @Test
  void defaultModelComesFromTheFlowmatchFolder() throws IOException {
    Path home = dir.resolve("home");
    Files.createDirectories(home.resolve("models"));
    String before = System.getProperty(ModelOptions.HOME_PROPERTY);
    try {
      System.setProperty(ModelOptions.HOME_PROPERTY, home.toString());
      Run none = run("sample", "--n", "3");
      assertEquals(2, none.code());
      assertEquals(
          "flowmatch sample: no --model given and no default model in "
              + home
              + " (looked for models/fashion-mnist-dit.onnx, models/gmm8.onnx)\n",
          none.err());
      Files.copy(gaussian2d, home.resolve("models/gmm8.onnx"));
      Run ok = run("sample", "--n", "3", "--verbose");
      assertEquals(0, ok.code(), ok.err());
      assertTrue(
          ok.err().startsWith("model " + home.resolve("models/gmm8.onnx") + ": float32 input"),
          ok.err());
      assertTrue(
          ok.err().contains(", model calls of at most 1024 samples,"), ok.err()); // tiny model
      Run fixed = run("sample", "--n", "3", "--call-batch", "7", "--verbose");
      assertEquals(0, fixed.code(), fixed.err());
      assertTrue(fixed.err().contains(", model calls of at most 7 samples,"), fixed.err());
    } finally {
      if (before == null) {
        System.clearProperty(ModelOptions.HOME_PROPERTY);
      } else {
        System.setProperty(ModelOptions.HOME_PROPERTY, before);
      }
    }
  }

  @Test
  void noiseFileOfOtherPrecisionsIsConverted() throws IOException {
    float[] x0 = {0.5f, -1f, 2f, 0.25f};
    Path noise = dir.resolve("noise16.npy");
    Npy.write(noise, new int[] {2, 2}, x0, NpyDtype.FLOAT16);
    Path samples = dir.resolve("x.npy");
    Run r =
        run(
            "sample",
            "--model",
            gaussian2d.toString(),
            "--noise",
            noise.toString(),
            "--n",
            "1",
            "--solver",
            "euler",
            "--steps",
            "1",
            "--save-npy",
            samples.toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(new float[] {MU + SIGMA * 0.5f, MU - SIGMA}, Npy.read(samples).data(), 1e-6f);
  }

  @Test
  void helpListsTheOptions() {
    Run r = run("sample", "--help");
    assertEquals(0, r.code());
    for (String option :
        new String[] {
          "--model",
          "--n",
          "--batch",
          "--solver",
          "--steps",
          "--rtol",
          "--atol",
          "--max-evals",
          "--grid",
          "--seed",
          "--noise",
          "--provider",
          "--strict",
          "--threads",
          "--shape",
          "--out",
          "--save-npy",
          "--quiet",
          "--verbose"
        }) {
      assertTrue(r.out().contains(option), option);
    }
    // the --solver description spells the list out: it must name every solver there is
    String flat = r.out().replaceAll("\\s+", " ");
    for (String solver : io.flowmatch.inference.solver.Solvers.names()) {
      assertTrue(flat.contains(" " + solver + ",") || flat.contains(" " + solver + " "), solver);
    }
  }

  static void assertNoTempFiles(Path folder) throws IOException {
    try (Stream<Path> s = Files.walk(folder)) {
      assertTrue(
          s.noneMatch(q -> q.getFileName().toString().endsWith(".tmp")), "no temporary files left");
    }
  }
}
