package io.flowmatch.inference.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Grouped bars of shares per category (a class histogram of samples next to the data's), with the
 * same fonts, colours and frame as {@link LinePlot}. The legend wraps onto as many rows as the
 * groups need; the plot area shrinks to make room.
 */
public final class BarPlot implements Chart {
  static final int WIDTH = 900;
  static final int HEIGHT = 560;
  static final int LEFT = 80;
  static final int RIGHT = 24;
  static final int TITLE_BAND = 44;
  static final int TEXT = 2;
  static final int BOTTOM = 10 + 2 * PlotText.height(TEXT);
  private static final int AXIS_RGB = 0x222222;
  private static final int GRID_RGB = 0xdddddd;

  private final String title;
  private final List<String> categories;
  private final List<String> series;
  private final double[][] shares;

  private BarPlot(String title, List<String> categories, List<String> series, double[][] shares) {
    if (shares.length != series.size()) {
      throw new IllegalArgumentException(
          series.size() + " series but " + shares.length + " rows of shares");
    }
    for (double[] row : shares) {
      if (row.length != categories.size()) {
        throw new IllegalArgumentException(
            categories.size() + " categories but a row of " + row.length + " shares");
      }
    }
    this.title = title;
    this.categories = List.copyOf(categories);
    this.series = List.copyOf(series);
    this.shares = shares;
  }

  /**
   * @param categories names under the bars
   * @param series names of the bar groups (legend), one row of {@code shares} each, in [0, 1]
   */
  public static BarPlot of(
      String title, List<String> categories, List<String> series, double[][] shares) {
    return new BarPlot(title, categories, series, shares);
  }

  /** The plot as an image; see {@link #of}. */
  public static BufferedImage render(
      String title, List<String> categories, List<String> series, double[][] shares) {
    return of(title, categories, series, shares).toImage();
  }

  @Override
  public int width() {
    return WIDTH;
  }

  @Override
  public int height() {
    return HEIGHT;
  }

  /** Legend rows: each entry is a swatch, its name and a gap; a row ends at the right margin. */
  private int legendRows() {
    int rows = 1;
    int lx = LEFT;
    for (String s : series) {
      int w = 24 + PlotText.width(s, TEXT) + 30;
      if (lx > LEFT && lx + w > WIDTH - RIGHT) {
        rows++;
        lx = LEFT;
      }
      lx += w;
    }
    return rows;
  }

  @Override
  public void draw(Graphics2D g) {
    int th = PlotText.height(TEXT);
    int legendRow = th + 8;
    int top = TITLE_BAND + legendRows() * legendRow + 12;
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - top - BOTTOM;
    double max = 0;
    for (double[] row : shares) {
      for (double v : row) {
        max = Math.max(max, v);
      }
    }
    double ceiling = Math.max(0.05, Math.ceil(max * 10 + 1e-9) / 10);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_NORMALIZE);
    g.setStroke(new BasicStroke(1f));
    int ticks = (int) Math.round(ceiling * 20);
    for (int k = 0; k <= ticks; k++) {
      double v = k * 0.05;
      int py = (int) Math.round(top + plotH - v / ceiling * plotH);
      g.setColor(new Color(GRID_RGB));
      g.drawLine(LEFT, py, LEFT + plotW, py);
    }
    int groups = categories.size();
    double slot = (double) plotW / Math.max(1, groups);
    double bar = slot * 0.8 / Math.max(1, series.size());
    for (int c = 0; c < groups; c++) {
      for (int s = 0; s < series.size(); s++) {
        double v = shares[s][c];
        double h = v / ceiling * plotH;
        g.setColor(new Color(LinePlot.PALETTE[s % LinePlot.PALETTE.length]));
        g.fill(
            new Rectangle2D.Double(
                LEFT + c * slot + slot * 0.1 + s * bar, top + plotH - h, Math.max(1, bar - 1), h));
      }
    }
    g.setColor(new Color(AXIS_RGB));
    g.drawRect(LEFT - 1, top - 1, plotW + 1, plotH + 1);
    for (int k = 0; k <= ticks; k += ticks > 10 ? 2 : 1) {
      double v = k * 0.05;
      int py = (int) Math.round(top + plotH - v / ceiling * plotH);
      String s = String.format(Locale.ROOT, "%d%%", Math.round(100 * v));
      PlotText.draw(g, s, LEFT - 8 - PlotText.width(s, TEXT), py - th / 2, AXIS_RGB, TEXT);
    }
    // category names on two lines where they have two words, shrunk to the slot where needed
    // (down to 60 %), so that they stay legible when the report scales the plot down
    for (int c = 0; c < categories.size(); c++) {
      int cx = (int) Math.round(LEFT + c * slot + slot / 2);
      String[] words = categories.get(c).split(" ", 2);
      PlotText.drawCentred(g, words[0], cx, top + plotH + 6, (int) slot - 4, AXIS_RGB, TEXT);
      if (words.length > 1) {
        PlotText.drawCentred(g, words[1], cx, top + plotH + 6 + th, (int) slot - 4, AXIS_RGB, TEXT);
      }
    }
    PlotText.drawCentred(g, title, WIDTH / 2, 10, WIDTH - 12, AXIS_RGB, TEXT);
    // legend under the title
    int lx = LEFT;
    int ly = TITLE_BAND;
    for (int s = 0; s < series.size(); s++) {
      int w = 24 + PlotText.width(series.get(s), TEXT) + 30;
      if (lx > LEFT && lx + w > WIDTH - RIGHT) {
        lx = LEFT;
        ly += legendRow;
      }
      g.setColor(new Color(LinePlot.PALETTE[s % LinePlot.PALETTE.length]));
      g.fillRect(lx, ly + th / 4, 18, th / 2);
      PlotText.draw(g, series.get(s), lx + 24, ly, AXIS_RGB, TEXT);
      lx += w;
    }
  }
}
