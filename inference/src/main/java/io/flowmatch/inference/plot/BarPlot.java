package io.flowmatch.inference.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
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

  /** Least space between the names of adjacent categories, in pixels. */
  static final int LABEL_GAP = 10;

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

  /** Top of the plot area: under the title and the legend's rows. */
  private int top() {
    return TITLE_BAND + legendRows() * (PlotText.height(TEXT) + 8) + 12;
  }

  /** One line of a category's name as drawn: its text, font size and box (top-left x, y). */
  record LabelLine(int category, String text, float size, Rectangle box) {}

  /**
   * Where the category names go under their bars. Each name keeps at least {@link #LABEL_GAP}
   * pixels from its neighbours' (adjacent names never run together, "T-shirt/topTrouser"). All
   * names share one font size: the largest, from the axis labels' down to 60 % of it, at which
   * every name fits its slot in the lines the band under the plot holds, wrapped after '/' or '-'
   * or at spaces; if none does, the smallest, and names still too wide are shortened.
   */
  List<LabelLine> categoryLabels() {
    int top = top();
    int plotH = HEIGHT - top - BOTTOM;
    int plotW = WIDTH - LEFT - RIGHT;
    double slot = (double) plotW / Math.max(1, categories.size());
    int room = Math.max(1, (int) Math.floor(slot) - LABEL_GAP);
    float largest = 11f * TEXT;
    float size = largest;
    List<List<String>> lines = layout(size, room);
    while (lines == null && size > 0.6f * largest) {
      size -= 1;
      lines = layout(size, room);
    }
    if (lines == null) {
      lines = new ArrayList<>();
      int maxLines = Math.max(1, (BOTTOM - 6) / PlotText.height(size));
      for (String name : categories) {
        List<String> wrapped = wrap(name.strip(), room, size);
        if (wrapped.size() > maxLines) {
          List<String> kept = new ArrayList<>(wrapped.subList(0, maxLines - 1));
          kept.add(String.join(" ", wrapped.subList(maxLines - 1, wrapped.size())));
          wrapped = kept;
        }
        lines.add(wrapped);
      }
    }
    int lineHeight = PlotText.height(size);
    List<LabelLine> out = new ArrayList<>();
    for (int c = 0; c < categories.size(); c++) {
      int cx = (int) Math.round(LEFT + c * slot + slot / 2);
      List<String> wrapped = lines.get(c);
      for (int k = 0; k < wrapped.size(); k++) {
        String text = shorten(wrapped.get(k), room, size);
        int w = PlotText.width(text, size);
        out.add(
            new LabelLine(
                c,
                text,
                size,
                new Rectangle(cx - w / 2, top + plotH + 6 + k * lineHeight, w, lineHeight)));
      }
    }
    return out;
  }

  /** Every name's lines at {@code size}, or null when one does not fit whole. */
  private List<List<String>> layout(float size, int room) {
    int maxLines = Math.max(1, (BOTTOM - 6) / PlotText.height(size));
    List<List<String>> out = new ArrayList<>();
    for (String name : categories) {
      List<String> wrapped = wrap(name.strip(), room, size);
      if (wrapped.size() > maxLines) {
        return null;
      }
      for (String line : wrapped) {
        if (PlotText.width(line, size) > room) {
          return null;
        }
      }
      out.add(wrapped);
    }
    return out;
  }

  /**
   * {@code text}, or as much of it as fits {@code room} (with "..." where that fits too): a slot
   * too narrow for any letter gets none rather than a name that runs into its neighbour's.
   */
  private static String shorten(String text, int room, float size) {
    if (PlotText.width(text, size) <= room) {
      return text;
    }
    for (int n = text.length() - 1; n > 0; n--) {
      String t = text.substring(0, n).strip() + "...";
      if (PlotText.width(t, size) <= room) {
        return t;
      }
    }
    for (int n = text.length() - 1; n > 0; n--) {
      String t = text.substring(0, n);
      if (PlotText.width(t, size) <= room) {
        return t;
      }
    }
    return "";
  }

  /** {@code text} in lines of at most {@code room} pixels, broken after '/' or '-' or at spaces. */
  private static List<String> wrap(String text, int room, float size) {
    List<String> pieces = new ArrayList<>();
    int from = 0;
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch == '/' || ch == '-' || ch == ' ') {
        pieces.add(text.substring(from, i + 1));
        from = i + 1;
      }
    }
    pieces.add(text.substring(from));
    List<String> lines = new ArrayList<>();
    String line = "";
    for (String p : pieces) {
      if (!line.isEmpty() && PlotText.width((line + p).strip(), size) > room) {
        lines.add(line.strip());
        line = "";
      }
      line += p;
    }
    if (!line.isBlank()) {
      lines.add(line.strip());
    }
    return lines;
  }

  @Override
  public void draw(Graphics2D g) {
    int th = PlotText.height(TEXT);
    int legendRow = th + 8;
    int top = top();
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
    for (LabelLine line : categoryLabels()) {
      PlotText.draw(g, line.text(), line.box().x, line.box().y, AXIS_RGB, line.size());
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
