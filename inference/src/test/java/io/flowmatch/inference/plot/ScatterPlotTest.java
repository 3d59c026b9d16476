package io.flowmatch.inference.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.io.Png;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterPlotTest {
  @TempDir Path dir;

  @Test
  void ticksAreRoundNumbersInsideTheRange() {
    assertArrayEquals(
        new double[] {-1, -0.5, 0, 0.5, 1}, ScatterPlot.ticks(new ValueRange(-1, 1)), 1e-12);
    assertArrayEquals(
        new double[] {-4, -2, 0, 2, 4}, ScatterPlot.ticks(new ValueRange(-4.4, 4.4)), 1e-12);
    assertArrayEquals(
        new double[] {5, 10, 15, 20, 25, 30, 35}, ScatterPlot.ticks(new ValueRange(5, 35)), 1e-12);
    assertArrayEquals(
        new double[] {0.002, 0.003, 0.004, 0.005, 0.006},
        ScatterPlot.ticks(new ValueRange(0.0015, 0.0065)),
        1e-12);
    assertEquals(
        List.of("-1.0", "-0.5", "0.0", "0.5", "1.0"),
        ScatterPlot.labels(new double[] {-1, -0.5, -1e-17, 0.5, 1}));
    assertEquals(
        List.of("-4", "-2", "0", "2", "4"), ScatterPlot.labels(new double[] {-4, -2, 0, 2, 4}));
  }

  @Test
  void autoBoundsAreSquareWithMargin() {
    float[] xy = {0, 0, 4, 1, 2, -1};
    ScatterPlot.Bounds b = ScatterPlot.autoBounds(xy, 3);
    // x spans 4, y spans 2: both get 4 · 1.1 around their centres
    assertEquals(-0.2, b.x().lo(), 1e-12);
    assertEquals(4.2, b.x().hi(), 1e-12);
    assertEquals(-2.2, b.y().lo(), 1e-12);
    assertEquals(2.2, b.y().hi(), 1e-12);
  }

  @Test
  void pointsLandWhereTheirCoordinatesSay() {
    // one point at the centre of [-1,1]², one outside
    float[] xy = {0, 0, 5, 5};
    BufferedImage img = ScatterPlot.render(xy, 2, ScatterPlot.square(new ValueRange(-1, 1)), "");
    int plotW = ScatterPlot.SIZE - ScatterPlot.LEFT - ScatterPlot.RIGHT;
    int plotH = ScatterPlot.SIZE - ScatterPlot.TOP - ScatterPlot.BOTTOM;
    int cx = ScatterPlot.LEFT + (int) Math.round((plotW - 1) / 2.0);
    int cy = ScatterPlot.TOP + (int) Math.round((plotH - 1) / 2.0);
    int centre = img.getRGB(cx, cy) & 0xffffff;
    // blended towards the point colour: blue dominates
    assertTrue((centre & 0xff) > (centre >> 16 & 0xff) + 60, Integer.toHexString(centre));
    // a quarter of the way in from the top-left corner is blank
    assertEquals(
        0xffffff,
        img.getRGB(ScatterPlot.LEFT + plotW / 4 + 3, ScatterPlot.TOP + plotH / 4 + 3) & 0xffffff);
    // frame is black
    assertEquals(0, img.getRGB(ScatterPlot.LEFT - 1, cy) & 0xffffff);
  }

  @Test
  void writesAPngOfAGaussianMixture() throws Exception {
    SplittableRandom rnd = new SplittableRandom(1);
    int n = 4000;
    float[] xy = new float[2 * n];
    for (int i = 0; i < n; i++) {
      double angle = 2 * Math.PI * (i % 8) / 8;
      xy[2 * i] = (float) (3 * Math.cos(angle) + 0.3 * gaussian(rnd));
      xy[2 * i + 1] = (float) (3 * Math.sin(angle) + 0.3 * gaussian(rnd));
    }
    Path p = dir.resolve("scatter.png");
    Png.write(ScatterPlot.render(xy, n, null, "gmm8 · 4000 samples"), p);
    BufferedImage back = Png.read(p);
    assertEquals(ScatterPlot.SIZE, back.getWidth());
    // a mode at angle 0 sits at (3, 0): its pixel is blue
    ScatterPlot.Bounds b = ScatterPlot.autoBounds(xy, n);
    int plotW = ScatterPlot.SIZE - ScatterPlot.LEFT - ScatterPlot.RIGHT;
    int plotH = ScatterPlot.SIZE - ScatterPlot.TOP - ScatterPlot.BOTTOM;
    int px =
        ScatterPlot.LEFT
            + (int) Math.round((3 - b.x().lo()) / (b.x().hi() - b.x().lo()) * (plotW - 1));
    int py =
        ScatterPlot.TOP
            + (int) Math.round((b.y().hi() - 0) / (b.y().hi() - b.y().lo()) * (plotH - 1));
    int c = back.getRGB(px, py) & 0xffffff;
    assertTrue((c & 0xff) > (c >> 16 & 0xff) + 60, Integer.toHexString(c));
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
