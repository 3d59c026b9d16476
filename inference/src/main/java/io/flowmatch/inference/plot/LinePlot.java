package io.flowmatch.inference.plot;

import io.flowmatch.inference.format.Numbers;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders lines through points (one line per series, with markers) on linear or logarithmic axes,
 * with tick labels, grid lines, axis names, a title, a legend, and optional horizontal reference
 * lines (e.g. a metric's floor). Text goes through {@link PlotText}, and linear ticks come from
 * {@link ScatterPlot}'s tick rules, so the two kinds of plot look alike. As a {@link Chart} it
 * renders to PNG or SVG from the same drawing code.
 *
 * <pre>{@code
 * BufferedImage img = new LinePlot("error vs NFE", "NFE per sample", "RMS error", true, true)
 *     .series("euler", nfe, err)
 *     .series("heun", nfe2, err2)
 *     .render();
 * }</pre>
 *
 * <p>Points that a log axis cannot show (zero, negative) and non-finite points are left out; a
 * series draws its line only between consecutive points that remain.
 */
public final class LinePlot implements Chart {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 560;
  static final int LEFT = 96;
  static final int RIGHT = 250;
  static final int TEXT = 2;

  /** Room above the plot for the title and, below it, the y-axis name. */
  static final int TOP = 20 + 2 * PlotText.height(TEXT);

  /** Room under the plot for the tick labels and, below them, the axis name. */
  static final int BOTTOM = 22 + 2 * PlotText.height(TEXT);

  static final int GRID_RGB = 0xe6e6e6;
  static final int MINOR_GRID_RGB = 0xf3f3f3;
  static final int AXIS_RGB = 0x000000;
  static final int REFERENCE_RGB = 0x7f7f7f;

  /**
   * Matplotlib's "tab10" colours (distinct, and familiar to readers of ML plots), then their light
   * "tab20" partners, so that a class histogram of the data and ten settings repeats no colour.
   */
  static final int[] PALETTE = {
    0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22,
    0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7,
    0xdbdb8d, 0x9edae5
  };

  private final String title;
  private final String xName;
  private final String yName;
  private final boolean logX;
  private final boolean logY;
  private final List<Series> series = new ArrayList<>();
  private final List<Reference> references = new ArrayList<>();

  /** One line: points (x[i], y[i]) in the order given. */
  public record Series(String name, double[] x, double[] y) {
    public Series {
      if (x.length != y.length) {
        throw new IllegalArgumentException(
            "series " + name + ": " + x.length + " x values but " + y.length + " y values");
      }
    }
  }

  /** A dashed horizontal line at {@code y} labelled {@code name}. */
  public record Reference(String name, double y) {}

  public LinePlot(String title, String xName, String yName, boolean logX, boolean logY) {
    this.title = title;
    this.xName = xName;
    this.yName = yName;
    this.logX = logX;
    this.logY = logY;
  }

  /** Adds a line. */
  public LinePlot series(String name, double[] x, double[] y) {
    series.add(new Series(name, x.clone(), y.clone()));
    return this;
  }

  /** Adds a dashed horizontal reference line. */
  public LinePlot reference(String name, double y) {
    references.add(new Reference(name, y));
    return this;
  }

  @Override
  public int width() {
    return WIDTH;
  }

  @Override
  public int height() {
    return HEIGHT;
  }

  /** Draws the plot. A plot without any drawable point still shows its frame and says so. */
  public BufferedImage render() {
    return toImage();
  }

  @Override
  public void draw(Graphics2D g) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, WIDTH, HEIGHT);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    Axis x = axis(true);
    Axis y = axis(false);
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;

    // grid first, everything else over it
    g.setStroke(new BasicStroke(1f));
    for (double t : x.minorTicks) {
      vertical(g, x.toPixel(t, LEFT, plotW, false), plotH, MINOR_GRID_RGB);
    }
    for (double t : y.minorTicks) {
      horizontal(g, y.toPixel(t, TOP, plotH, true), plotW, MINOR_GRID_RGB);
    }
    for (double t : x.ticks) {
      vertical(g, x.toPixel(t, LEFT, plotW, false), plotH, GRID_RGB);
    }
    for (double t : y.ticks) {
      horizontal(g, y.toPixel(t, TOP, plotH, true), plotW, GRID_RGB);
    }

    g.setClip(new Rectangle2D.Double(LEFT, TOP, plotW, plotH));
    for (Reference r : references) {
      if (y.shows(r.y())) {
        // on a pixel row's centre, so that the raster line is crisp, not two half-grey rows
        double py = Math.floor(y.toPixel(r.y(), TOP, plotH, true)) + 0.5;
        g.setColor(new Color(REFERENCE_RGB));
        g.setStroke(dashed());
        g.draw(new Line2D.Double(LEFT, py, LEFT + plotW, py));
      }
    }
    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    for (int s = 0; s < series.size(); s++) {
      Series line = series.get(s);
      g.setColor(new Color(PALETTE[s % PALETTE.length]));
      // one path per run of drawable points: a polyline in SVG, not one element per segment
      Path2D.Double path = new Path2D.Double();
      int run = 0;
      for (int i = 0; i <= line.x().length; i++) {
        boolean ok = i < line.x().length && x.shows(line.x()[i]) && y.shows(line.y()[i]);
        if (!ok) {
          if (run > 1) {
            g.draw(path);
          }
          path = new Path2D.Double();
          run = 0;
          continue;
        }
        double px = x.toPixel(line.x()[i], LEFT, plotW, false);
        double py = y.toPixel(line.y()[i], TOP, plotH, true);
        if (run == 0) {
          path.moveTo(px, py);
        } else {
          path.lineTo(px, py);
        }
        run++;
      }
      for (int i = 0; i < line.x().length; i++) {
        if (x.shows(line.x()[i]) && y.shows(line.y()[i])) {
          marker(
              g,
              s,
              x.toPixel(line.x()[i], LEFT, plotW, false),
              y.toPixel(line.y()[i], TOP, plotH, true));
        }
      }
    }
    g.setClip(null);
    drawFrameAndText(g, x, y);
  }

  private static BasicStroke dashed() {
    return new BasicStroke(
        1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f);
  }

  private void drawFrameAndText(Graphics2D g, Axis x, Axis y) {
    int plotW = WIDTH - LEFT - RIGHT;
    int plotH = HEIGHT - TOP - BOTTOM;
    // crisp one-pixel frame and ticks on the raster
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_NORMALIZE);
    g.setStroke(new BasicStroke(1f));
    g.setColor(new Color(AXIS_RGB));
    g.drawRect(LEFT - 1, TOP - 1, plotW + 1, plotH + 1);
    int th = PlotText.height(TEXT);
    for (int i = 0; i < x.ticks.length; i++) {
      int px = (int) Math.round(x.toPixel(x.ticks[i], LEFT, plotW, false));
      g.setColor(new Color(AXIS_RGB));
      g.drawLine(px, TOP + plotH + 1, px, TOP + plotH + 5);
      String s = x.labels.get(i);
      PlotText.draw(g, s, px - PlotText.width(s, TEXT) / 2, TOP + plotH + 10, AXIS_RGB, TEXT);
    }
    for (int i = 0; i < y.ticks.length; i++) {
      int py = (int) Math.round(y.toPixel(y.ticks[i], TOP, plotH, true));
      g.setColor(new Color(AXIS_RGB));
      g.drawLine(LEFT - 6, py, LEFT - 2, py);
      String s = y.labels.get(i);
      PlotText.draw(g, s, LEFT - 10 - PlotText.width(s, TEXT), py - th / 2, AXIS_RGB, TEXT);
    }
    PlotText.draw(
        g,
        xName,
        LEFT + plotW / 2 - PlotText.width(xName, TEXT) / 2,
        TOP + plotH + 14 + th,
        AXIS_RGB,
        TEXT);
    // the y-axis name sits above the axis, where the bitmap font (which cannot rotate) can go too
    PlotText.draw(g, yName, Math.max(4, LEFT - 40), TOP - th - 6, AXIS_RGB, TEXT);
    PlotText.drawCentred(g, title, WIDTH / 2, 10, WIDTH - 12, AXIS_RGB, TEXT);

    // legend, right of the plot
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    int lx = LEFT + plotW + 16;
    int ly = TOP + 4;
    int lineHeight = th + 10;
    int maxText = RIGHT - 16 - 40;
    // entries that would fall below the image are summarised in one line (was: out of bounds)
    int rows = Math.max(1, (HEIGHT - ly - th - 4) / lineHeight - references.size());
    int shown = series.size() <= rows ? series.size() : rows - 1;
    for (int s = 0; s < shown; s++) {
      int rgb = PALETTE[s % PALETTE.length];
      int cy = ly + s * lineHeight + th / 2;
      g.setColor(new Color(rgb));
      g.setStroke(new BasicStroke(2f));
      g.draw(new Line2D.Double(lx, cy, lx + 28, cy));
      marker(g, s, lx + 14, cy);
      PlotText.draw(g, fit(series.get(s).name(), maxText), lx + 36, cy - th / 2, AXIS_RGB, TEXT);
    }
    if (shown < series.size()) {
      String more = "+ " + (series.size() - shown) + " more";
      PlotText.draw(g, fit(more, maxText), lx + 36, ly + shown * lineHeight, AXIS_RGB, TEXT);
      shown++;
    }
    int ry = ly + shown * lineHeight + 8;
    for (Reference r : references) {
      int cy = ry + th / 2;
      g.setColor(new Color(REFERENCE_RGB));
      g.setStroke(dashed());
      g.draw(new Line2D.Double(lx, cy, lx + 28, cy));
      PlotText.draw(g, fit(r.name(), maxText), lx + 36, cy - th / 2, AXIS_RGB, TEXT);
      ry += lineHeight;
    }
    if (!x.hasData || !y.hasData) {
      String none = "no points to show";
      PlotText.draw(
          g,
          none,
          LEFT + (plotW - PlotText.width(none, TEXT)) / 2,
          TOP + plotH / 2,
          AXIS_RGB,
          TEXT);
    }
  }

  /** Marker shapes cycle with the series, so lines stay apart in grey print too. */
  private static void marker(Graphics2D g, int s, double px, double py) {
    double r = 4;
    switch (s / PALETTE.length % 3) {
      case 0:
        g.fill(new java.awt.geom.Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
        break;
      case 1:
        g.fill(new Rectangle2D.Double(px - r, py - r, 2 * r, 2 * r));
        break;
      default:
        java.awt.geom.Path2D.Double tri = new java.awt.geom.Path2D.Double();
        tri.moveTo(px, py - r - 1);
        tri.lineTo(px + r + 1, py + r);
        tri.lineTo(px - r - 1, py + r);
        tri.closePath();
        g.fill(tri);
    }
  }

  private static void vertical(Graphics2D g, double px, int plotH, int rgb) {
    g.setColor(new Color(rgb));
    g.draw(new Line2D.Double(Math.round(px), TOP, Math.round(px), TOP + plotH - 1));
  }

  private static void horizontal(Graphics2D g, double py, int plotW, int rgb) {
    g.setColor(new Color(rgb));
    g.draw(new Line2D.Double(LEFT, Math.round(py), LEFT + plotW - 1, Math.round(py)));
  }

  private static String fit(String text, int pixels) {
    return PlotText.fit(text, pixels, TEXT);
  }

  /** The x (or y) axis fitted to the data and reference lines. */
  private Axis axis(boolean horizontal) {
    boolean log = horizontal ? logX : logY;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      double[] xs = s.x();
      double[] ys = s.y();
      for (int i = 0; i < xs.length; i++) {
        if (usable(xs[i], logX) && usable(ys[i], logY)) {
          double v = horizontal ? xs[i] : ys[i];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (!horizontal) {
      for (Reference r : references) {
        if (usable(r.y(), log)) {
          lo = Math.min(lo, r.y());
          hi = Math.max(hi, r.y());
        }
      }
    }
    return new Axis(log, lo, hi);
  }

  static boolean usable(double v, boolean log) {
    return Double.isFinite(v) && (!log || v > 0);
  }

  /** Range, ticks and labels of one axis; log axes work in log10 units internally. */
  static final class Axis {
    final boolean log;
    final boolean hasData;

    /** Range in axis units: the value, or its log10. */
    final double lo;

    final double hi;
    final double[] ticks;
    final double[] minorTicks;
    final List<String> labels;

    Axis(boolean log, double dataLo, double dataHi) {
      this.log = log;
      this.hasData = dataLo <= dataHi;
      double a = hasData ? (log ? Math.log10(dataLo) : dataLo) : 0;
      double b = hasData ? (log ? Math.log10(dataHi) : dataHi) : 1;
      if (b - a < (log ? 0.3 : 1e-12 * Math.max(1, Math.abs(a)))) {
        double mid = (a + b) / 2;
        double half = log ? 0.5 : Math.max(0.5, Math.abs(mid) * 0.1);
        a = mid - half;
        b = mid + half;
      }
      double pad = (b - a) * 0.06;
      this.lo = a - pad;
      this.hi = b + pad;
      if (log) {
        List<Double> major = new ArrayList<>();
        List<Double> minor = new ArrayList<>();
        int decadeStep = Math.max(1, (int) Math.ceil((hi - lo) / 8));
        for (int k = (int) Math.floor(lo); k <= (int) Math.ceil(hi); k++) {
          if (k >= lo && k <= hi && Math.floorMod(k, decadeStep) == 0) {
            major.add(Math.pow(10, k));
          }
          if (decadeStep == 1) {
            for (int m = 2; m <= 9; m++) {
              double v = Math.log10(m) + k;
              if (v >= lo && v <= hi) {
                (hi - lo < 2 && (m == 2 || m == 5) ? major : minor).add(m * Math.pow(10, k));
              }
            }
          }
        }
        major.sort(Double::compare);
        this.ticks = major.stream().mapToDouble(Double::doubleValue).toArray();
        this.minorTicks = minor.stream().mapToDouble(Double::doubleValue).toArray();
        this.labels = new ArrayList<>();
        for (double t : ticks) {
          labels.add(logLabel(t));
        }
      } else {
        this.ticks = ScatterPlot.ticks(new ValueRange(lo, hi));
        this.minorTicks = new double[0];
        this.labels = ScatterPlot.labels(ticks);
      }
    }

    boolean shows(double v) {
      return usable(v, log);
    }

    /**
     * Pixel coordinate of value v along an axis starting at {@code origin}, {@code length} long.
     */
    double toPixel(double v, int origin, int length, boolean flip) {
      double u = ((log ? Math.log10(v) : v) - lo) / (hi - lo);
      return flip ? origin + (1 - u) * (length - 1) : origin + u * (length - 1);
    }

    /** 1, 10, 100, 1000, then 1e4; 0.1, 0.01, then 1e-3; 2e-5 for non-decades. */
    static String logLabel(double v) {
      int exponent = (int) Math.floor(Math.log10(v) + 1e-9);
      double mantissa = v / Math.pow(10, exponent);
      String m = Numbers.fixed(mantissa, 0);
      if (exponent >= 0 && exponent <= 3) {
        return Numbers.fixed(v, 0);
      }
      if (exponent >= -2 && exponent < 0) {
        return Numbers.fixed(v, -exponent);
      }
      return m + "e" + exponent;
    }
  }
}
