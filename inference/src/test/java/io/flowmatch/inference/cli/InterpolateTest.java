package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.ScatterPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** interpolate on the exact Gaussian flow x = μ + σ·z, where every frame has a closed form. */
class InterpolateTest {
  static final float MU = 1f;
  static final float SIGMA = 2f;

  @TempDir static Path models;
  static String gauss;

  @TempDir Path dir;

  @BeforeAll
  static void buildModels() throws IOException {
    gauss =
        TestModels.gaussian(models.resolve("g.onnx"), new int[] {2}, MU, SIGMA, true).toString();
  }

  /** {@code interpolate --model gauss --a A --b B --frames F} and more options. */
  static Run interpolate(String a, String b, String frames, String... more) {
    String[] head = {"interpolate", "--model", gauss, "--a", a, "--b", b, "--frames", frames};
    String[] args = new String[head.length + more.length];
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(more, 0, args, head.length, more.length);
    return run(args);
  }

  @Test
  void linearCodesGiveTheStraightLineBetweenAAndB() throws IOException {
    // codes: a = (3, 1) → (1, 0), b = (-1, 5) → (-1, 2), 116.6° apart; linear codes decode linearly
    Path frames = dir.resolve("f.npy");
    Run r =
        interpolate(
            "3,1", "-1,5", "5", "--linear", "--solver", "rk4", "--save-npy", frames.toString());
    assertEquals(0, r.code(), r.err());
    NpyArray f = Npy.read(frames);
    assertArrayEquals(new int[] {5, 2}, f.shape());
    float[] expected = {3, 1, 2, 2, 1, 3, 0, 4, -1, 5};
    assertArrayEquals(expected, f.data(), 1e-4f);
    assertTrue(
        r.out()
            .startsWith(
                "interpolated 5 frames (linear, angle between the codes 116.6°) with rk4 (20 steps) on cpu:"
                    + " encode NFE/sample 80, decode NFE/sample 80; the end frames return a and b within "),
        r.out());
  }

  /**
   * interpolate takes the progress and error options every other inference command takes: --quiet
   * means no progress and no summary, --progress forces the bar (issue 13).
   */
  @Test
  void quietAndProgressMeanWhatTheyMeanEverywhere() throws IOException {
    Path frames = dir.resolve("f.npy");
    Run r = interpolate("3,1", "-1,5", "5", "--quiet", "--save-npy", frames.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.out());
    assertEquals("", r.err());
    assertArrayEquals(new int[] {5, 2}, Npy.read(frames).shape());
    r = interpolate("3,1", "-1,5", "5", "--progress", "--save-npy", frames.toString());
    assertEquals(0, r.code(), r.err());
    picocli.CommandLine.Model.CommandSpec interpolate =
        new picocli.CommandLine(new InterpolateCommand()).getCommandSpec();
    picocli.CommandLine.Model.CommandSpec sample =
        new picocli.CommandLine(new SampleCommand()).getCommandSpec();
    for (String option : new String[] {"--quiet", "--verbose", "--progress"}) {
      assertArrayEquals(
          sample.findOption(option).description(),
          interpolate.findOption(option).description(),
          option);
    }
  }

  @Test
  void slerpFollowsTheArcBetweenTheCodes() throws IOException {
    // codes: a → (1, 0), b → (0, 1); slerp keeps |z| = 1 on the quarter circle
    Path frames = dir.resolve("f.npy");
    Path png = dir.resolve("path.png");
    Run r =
        interpolate(
            "3,1",
            "1,3",
            "3",
            "--solver",
            "rk4",
            "--save-npy",
            frames.toString(),
            "--out",
            png.toString());
    assertEquals(0, r.code(), r.err());
    float h = (float) Math.sqrt(0.5);
    float[] expected = {3, 1, MU + SIGMA * h, MU + SIGMA * h, 1, 3};
    assertArrayEquals(expected, Npy.read(frames).data(), 1e-4f);
    BufferedImage img = Png.read(png);
    assertEquals(ScatterPlot.SIZE, img.getWidth());
  }

  @Test
  void saveTrajectoryRecordsTheDecodingOfEveryFrame() throws IOException {
    // codes a → (1, 0), b → (-1, 2); frame f decodes from its code z along x(t) = tμ + (1 + t(σ −
    // 1))·z, a
    // straight line that Euler follows exactly
    Path traj = dir.resolve("t.npy");
    Path times = dir.resolve("t.times.npy");
    Run r =
        interpolate(
            "3,1",
            "-1,5",
            "5",
            "--linear",
            "--solver",
            "euler",
            "--steps",
            "2",
            "--save-trajectory",
            traj.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out()
            .endsWith(
                "wrote "
                    + traj
                    + " (3 states of 5 samples, shape (3, 5, 2), float32) and "
                    + times
                    + " (3 times, float64)\n"),
        r.out());
    assertArrayEquals(
        new float[] {0, 0.5f, 1},
        Npy.read(times).data(),
        0f); // float64 on disk, exact in float32 too
    NpyArray a = Npy.read(traj);
    assertArrayEquals(new int[] {3, 5, 2}, a.shape());
    double[] t = {0, 0.5, 1};
    for (int k = 0; k < 3; k++) {
      for (int f = 0; f < 5; f++) {
        double alpha = f / 4.0;
        double[] z = {(1 - alpha) * 1 + alpha * -1, (1 - alpha) * 0 + alpha * 2};
        for (int c = 0; c < 2; c++) {
          double exact = t[k] * MU + (1 + t[k] * (SIGMA - 1)) * z[c];
          assertEquals(
              exact,
              a.data()[(k * 5 + f) * 2 + c],
              2e-6,
              "node " + k + ", frame " + f + ", component " + c);
        }
      }
    }
  }

  @Test
  void recordingChangesNoFrameAndPathsAreDrawn() throws IOException {
    Path plain = dir.resolve("plain.npy");
    Path recorded = dir.resolve("recorded.npy");
    Path without = dir.resolve("without.png");
    Path with = dir.resolve("with.png");
    assertEquals(
        0,
        interpolate(
                "3,1",
                "1,3",
                "6",
                "--solver",
                "heun",
                "--steps",
                "5",
                "--save-npy",
                plain.toString(),
                "--out",
                without.toString())
            .code());
    Run r =
        interpolate(
            "3,1",
            "1,3",
            "6",
            "--solver",
            "heun",
            "--steps",
            "5",
            "--save-npy",
            recorded.toString(),
            "--out",
            with.toString(),
            "--paths",
            "6",
            "--save-trajectory",
            dir.resolve("t.npy").toString());
    assertEquals(0, r.code(), r.err());
    assertArrayEquals(Npy.read(plain).data(), Npy.read(recorded).data(), 0f);
    // the last node of the trajectory is bit for bit the frames
    float[] states = Npy.read(dir.resolve("t.npy")).data();
    assertArrayEquals(
        Npy.read(plain).data(), java.util.Arrays.copyOfRange(states, 5 * 12, 6 * 12), 0f);
    int red = TrajectoryAndTestIndexTest.redPixels(Png.read(with));
    assertTrue(
        red > TrajectoryAndTestIndexTest.redPixels(Png.read(without)) + 100,
        "paths drawn in red: " + red);
  }

  @Test
  void badTrajectoryOptions() throws IOException {
    Path traj = dir.resolve("t.npy");
    assertError(
        "--save-trajectory needs a fixed-step solver (euler, heun, midpoint, rk4), got dopri5, whose steps are"
            + " not known in advance",
        run(
            "interpolate",
            "--model",
            gauss,
            "--a",
            "0,0",
            "--b",
            "1,1",
            "--solver",
            "dopri5",
            "--save-trajectory",
            traj.toString()));
    assertError(
        "--save-trajectory must name a .npy file, got '" + dir.resolve("t.txt") + "'",
        run(
            "interpolate",
            "--model",
            gauss,
            "--a",
            "0,0",
            "--b",
            "1,1",
            "--save-trajectory",
            dir.resolve("t.txt").toString()));
    assertError(
        "--paths draws on the --out scatter plot; give --out FILE.png or FILE.svg",
        run(
            "interpolate",
            "--model",
            gauss,
            "--a",
            "0,0",
            "--b",
            "1,1",
            "--paths",
            "2",
            "--save-npy",
            dir.resolve("f.npy").toString()));
    assertError(
        "--paths must be a non-negative integer, got -1",
        run(
            "interpolate",
            "--model",
            gauss,
            "--a",
            "0,0",
            "--b",
            "1,1",
            "--paths",
            "-1",
            "--out",
            dir.resolve("x.png").toString()));
    assertError(
        "nothing to write: give --out FILE.png (or .svg), --save-npy FILE.npy and/or"
            + " --save-trajectory FILE.npy",
        run("interpolate", "--model", gauss, "--a", "0,0", "--b", "1,1"));
    Path images =
        TestModels.gaussian(models.resolve("img.onnx"), new int[] {1, 2, 2}, MU, SIGMA, true);
    Path item = dir.resolve("item.npy");
    Npy.write(item, new int[] {1, 1, 2, 2}, new float[] {0.1f, 0.2f, 0.3f, 0.4f});
    assertError(
        "--paths draws 2-D trajectories, this model's samples have shape [1, 2, 2]",
        run(
            "interpolate",
            "--model",
            images.toString(),
            "--a",
            item.toString(),
            "--b",
            item.toString(),
            "--paths",
            "2",
            "--out",
            dir.resolve("x.png").toString()));
    assertFalse(Files.exists(traj));
    assertFalse(Files.exists(dir.resolve("x.png")));
  }

  private static void assertError(String line, Run r) {
    assertEquals("flowmatch interpolate: " + line + "\n", r.err());
    assertEquals(2, r.code(), r.err());
    assertEquals("", r.out());
  }

  @Test
  void framesMustBeAtLeastTwo() {
    Run r = interpolate("0,0", "1,1", "1", "--out", "x.png");
    assertEquals(2, r.code());
    assertEquals("flowmatch interpolate: --frames must be at least 2 (a and b), got 1\n", r.err());
  }
}
