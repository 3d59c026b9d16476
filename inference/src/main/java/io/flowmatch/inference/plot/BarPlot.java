package io.flowmatch.inference.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bars of shares per category (a class histogram of samples next to the data's), with the
 * same fonts, colours and frame as {@link LinePlot}.
 */
public final class BarPlot {
  static final int WIDTH = 900;
  static final int HEIGHT = 560;
  static final int LEFT = 80;
  static final int RIGHT = 24;
  static final int TOP = 90;
  static final int BOTTOM = 64;
  static final int TEXT = 2;
  private static final int AXIS_RGB = 0x222222;
  private static final int GRID_RGB = 0xdddddd;

  private BarPlot() {}

  /**
   * @param categories names under the bars
   * @param series names of the bar groups (legend), one row of {@code shares} each, in [0, 1]
   */
  public static BufferedImage render(
      String title, List<String> categories, List<String> series, double[][] shares) {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    double max = 0;
    for (double[] row : shares) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    double top = Math.max(0.05, Math.ceil(max * 10 + 1e-9) / 10);
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      int ticks = (int) Math.round(top * 20);
      for (int k = 0; k <= ticks; k++) {
        double v = k * 0.05;
        int py = (int) Math.round(TOP + plotH - v / top * plotH);
        g.setColor(new Color(GRID_RGB));
        g.drawLine(LEFT, py, LEFT + plotW, py);
      }
      int groups = categories.size();
      double slot = (double) plotW / Math.max(1, groups);
      double bar = slot * 0.8 / Math.max(1, series.size());
      for (int c = 0; c < groups; c++) {
        for (int s = 0; s < series.size(); s++) {
          double v = shares[s][c];
          double h = v / top * plotH;
          g.setColor(new Color(LinePlot.PALETTE[s % LinePlot.PALETTE.length]));
          g.fill(
              new Rectangle2D.Double(
                  LEFT + c * slot + slot * 0.1 + s * bar, TOP + plotH - h, bar - 1, h));
        }
      }
      g.setColor(new Color(AXIS_RGB));
      g.drawRect(LEFT - 1, TOP - 1, plotW + 1, plotH + 1);
    } finally {
      g.dispose();
    }
    int th = PlotText.height(TEXT);
    int ticks = (int) Math.round(top * 20);
    for (int k = 0; k <= ticks; k += ticks > 10 ? 2 : 1) {
      double v = k * 0.05;
      int py = (int) Math.round(TOP + plotH - v / top * plotH);
      String s = String.format(Locale.ROOT, "%d%%", Math.round(100 * v));
      PlotText.draw(img, s, LEFT - 8 - PlotText.width(s, TEXT), py - th / 2, AXIS_RGB, TEXT);
    }
    double slot = (double) plotW / Math.max(1, categories.size());
    // category names run down at a slant-free small size: shrink to the slot, never cut
    for (int c = 0; c < categories.size(); c++) {
      int cx = (int) Math.round(LEFT + c * slot + slot / 2);
      String[] words = categories.get(c).split(" ", 2);
      PlotText.drawCentred(img, words[0], cx, TOP + plotH + 8, (int) slot - 4, AXIS_RGB, 1);
      if (words.length > 1) {
        PlotText.drawCentred(
            img,
            words[1],
            cx,
            TOP + plotH + 8 + PlotText.height(1) + 2,
            (int) slot - 4,
            AXIS_RGB,
            1);
      }
    }
    PlotText.drawCentred(img, title, WIDTH / 2, 10, WIDTH - 12, AXIS_RGB, TEXT);
    // legend under the title
    int lx = LEFT;
    int ly = TOP - th - 14;
    Graphics2D lg = img.createGraphics();
    for (int s = 0; s < series.size(); s++) {
      lg.setColor(new Color(LinePlot.PALETTE[s % LinePlot.PALETTE.length]));
      lg.fillRect(lx, ly + th / 4, 18, th / 2);
      PlotText.draw(img, series.get(s), lx + 24, ly, AXIS_RGB, TEXT);
      lx += 24 + PlotText.width(series.get(s), TEXT) + 30;
    }
    lg.dispose();
    return img;
  }
}
