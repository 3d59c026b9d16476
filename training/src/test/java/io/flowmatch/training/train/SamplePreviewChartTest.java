package io.flowmatch.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.PlotText;
import io.flowmatch.inference.plot.ScatterPlot;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Training previews are drawn by the inference plots, with the step on the picture. */
class SamplePreviewChartTest {

  @Test
  void pointPreviewsAreScatterPlotsWithAxesAndTheStep() {
    float[] xy = {0, 0, 1, 1, -1, -1};
    Chart c = SamplePreview.chart(xy, 3, new int[] {2}, new double[] {-4, 4}, 1500, 100);
    assertTrue(c instanceof ScatterPlot);
    assertFalse(c.raster());
    String svg = c.toSvg();
    assertTrue(svg.contains(">step 1500 · 3 samples, Euler 100<"), svg);
    // axes: the tick labels of [-4, 4] and the axis names
    for (String t : new String[] {">-4<", ">0<", ">4<", ">x[0]<", ">x[1]<"}) {
      assertTrue(svg.contains(t), t);
    }
    assertEquals(ScatterPlot.SIZE, c.toImage().getWidth());
  }

  @Test
  void imagePreviewsAreGridsUnderTheStep() {
    int n = 4;
    float[] x = new float[n * 28 * 28];
    java.util.Arrays.fill(x, 1f); // white images
    Chart c = SamplePreview.chart(x, n, new int[] {1, 28, 28}, new double[] {-1, 1}, 250, 50);
    assertTrue(c.raster());
    // 2×2 tiles of 56 pixels (28 upscaled ×2) with 1-pixel borders, under a title band
    int grid = 2 * 57 + 1;
    assertEquals(grid, c.width());
    int band = c.height() - grid;
    assertEquals(PlotText.height(2) + 16, band);
    BufferedImage img = c.toImage();
    int dark = 0;
    for (int y = 0; y < band; y++) {
      for (int px = 0; px < grid; px++) {
        dark += (img.getRGB(px, y) & 0xff) < 128 ? 1 : 0;
      }
    }
    assertTrue(dark > 30, "the step is written above the grid: " + dark + " dark pixels");
    assertEquals(0xffffff, img.getRGB(1 + 28, band + 1 + 28) & 0xffffff, "a white tile");
  }
}
