package io.flowmatch.inference.cli;

import static io.flowmatch.inference.cli.SampleCommandTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.cli.SampleCommandTest.Run;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyArray;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.ScatterPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
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
    gauss = TestModels.gaussian(models.resolve("g.onnx"), new int[] {2}, MU, SIGMA, true).toString();
  }

  @Test
  void linearCodesGiveTheStraightLineBetweenAAndB() throws IOException {
    // codes: a = (3, 1) → (1, 0), b = (-1, 5) → (-1, 2), 116.6° apart; linear codes decode linearly
    Path frames = dir.resolve("f.npy");
    Run r = run("interpolate", "--model", gauss, "--a", "3,1", "--b", "-1,5", "--frames", "5", "--linear",
        "--solver", "rk4", "--save-npy", frames.toString());
    assertEquals(0, r.code(), r.err());
    NpyArray f = Npy.read(frames);
    assertArrayEquals(new int[] {5, 2}, f.shape());
    float[] expected = {3, 1, 2, 2, 1, 3, 0, 4, -1, 5};
    assertArrayEquals(expected, f.data(), 1e-4f);
    assertTrue(r.out().startsWith("interpolated 5 frames (linear, angle between the codes 116.6°) with rk4 (20 steps) on cpu:"
        + " encode NFE/sample 80, decode NFE/sample 80; the end frames return a and b within "), r.out());
  }

  @Test
  void slerpFollowsTheArcBetweenTheCodes() throws IOException {
    // codes: a → (1, 0), b → (0, 1); slerp keeps |z| = 1 on the quarter circle
    Path frames = dir.resolve("f.npy");
    Path png = dir.resolve("path.png");
    Run r = run("interpolate", "--model", gauss, "--a", "3,1", "--b", "1,3", "--frames", "3", "--solver", "rk4",
        "--save-npy", frames.toString(), "--out", png.toString());
    assertEquals(0, r.code(), r.err());
    float h = (float) Math.sqrt(0.5);
    float[] expected = {3, 1, MU + SIGMA * h, MU + SIGMA * h, 1, 3};
    assertArrayEquals(expected, Npy.read(frames).data(), 1e-4f);
    BufferedImage img = Png.read(png);
    assertEquals(ScatterPlot.SIZE, img.getWidth());
  }

  @Test
  void framesMustBeAtLeastTwo() {
    Run r = run("interpolate", "--model", gauss, "--a", "0,0", "--b", "1,1", "--frames", "1", "--out", "x.png");
    assertEquals(2, r.code());
    assertEquals("flowmatch interpolate: --frames must be at least 2 (a and b), got 1\n", r.err());
  }
}
