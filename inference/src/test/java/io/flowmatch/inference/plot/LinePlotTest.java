package io.flowmatch.inference.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LinePlotTest {

  static int count(BufferedImage img, int rgb, int x0, int y0, int x1, int y1) {
    int c = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) {
          c++;
        }
      }
    }
    return c;
  }

  @Test
  void logLogLinesLandWhereTheirValuesSay() {
    // y = 1/x on x in [10, 1000]: a straight line from top left to bottom right
    double[] x = {10, 100, 1000};
    double[] y = {0.1, 0.01, 0.001};
    BufferedImage img = new LinePlot("t", "NFE", "err", true, true).series("a", x, y).render();
    assertEquals(LinePlot.WIDTH, img.getWidth());
    assertEquals(LinePlot.HEIGHT, img.getHeight());
    int blue = LinePlot.PALETTE[0];
    int plotW = LinePlot.WIDTH - LinePlot.LEFT - LinePlot.RIGHT;
    int plotH = LinePlot.HEIGHT - LinePlot.TOP - LinePlot.BOTTOM;
    int midX = LinePlot.LEFT + plotW / 2;
    int midY = LinePlot.TOP + plotH / 2;
    // the middle point (100, 0.01) sits at the centre of the plot area
    assertTrue(
        count(img, blue, midX - 3, midY - 3, midX + 4, midY + 4) > 20, "marker at the centre");
    // nothing of the line in the top-right and bottom-left quadrants
    assertEquals(0, count(img, blue, midX + 20, LinePlot.TOP, LinePlot.LEFT + plotW, midY - 20));
    assertEquals(0, count(img, blue, LinePlot.LEFT, midY + 20, midX - 20, LinePlot.TOP + plotH));
  }

  @Test
  void logAxisTicksAreDecadesWithReadableLabels() {
    LinePlot.Axis a = new LinePlot.Axis(true, 1e-7, 1e-1);
    assertEquals(Arrays.asList("1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "0.01", "0.1"), a.labels);
    LinePlot.Axis b = new LinePlot.Axis(true, 3, 40);
    assertEquals(
        Arrays.asList("5", "10", "20"), b.labels, "less than a decade and a bit: 2 and 5 too");
    LinePlot.Axis c = new LinePlot.Axis(true, 1e-30, 1e10);
    assertTrue(c.ticks.length <= 9, "at most about 8 labelled decades, got " + c.ticks.length);
  }

  @Test
  void unusablePointsAreSkippedAndReferencesDrawn() {
    double[] x = {0, 10, Double.NaN, 100};
    double[] y = {1, 0.5, 0.2, -1};
    BufferedImage img =
        new LinePlot("t", "x", "y", true, true).series("a", x, y).reference("floor", 0.1).render();
    int grey = LinePlot.REFERENCE_RGB;
    int plotW = LinePlot.WIDTH - LinePlot.LEFT - LinePlot.RIGHT;
    assertTrue(
        count(
                img,
                grey,
                LinePlot.LEFT,
                LinePlot.TOP,
                LinePlot.LEFT + plotW,
                LinePlot.HEIGHT - LinePlot.BOTTOM)
            > 100);
    BufferedImage empty =
        new LinePlot("t", "x", "y", true, true)
            .series("a", new double[] {-1}, new double[] {1})
            .render();
    assertFalse(
        count(
                empty,
                0x000000,
                LinePlot.LEFT + 10,
                LinePlot.TOP + 10,
                LinePlot.LEFT + plotW - 10,
                LinePlot.HEIGHT - LinePlot.BOTTOM - 10)
            == 0,
        "says there are no points");
  }

  @Test
  void mismatchedSeriesAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LinePlot("t", "x", "y", false, false)
                    .series("s", new double[2], new double[3]));
    assertEquals("series s: 2 x values but 3 y values", e.getMessage());
  }
}
