package io.flowmatch.inference.plot;

import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Composite;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.svg.SVGGraphics2D;

/**
 * Renders 2-D samples {@code [N, 2]} as a scatter plot: semi-transparent points, a frame with
 * ticks, tick labels and grid lines, axis names and a title. Both axes use the same scale so that
 * round clusters look round. As a {@link Chart} it renders to PNG or SVG from the same drawing
 * code; the point cloud is one raster layer in both, unless {@link #vectorPoints()} asks for one
 * vector circle per point in SVG.
 */
public final class ScatterPlot implements Chart {
  /** Width and height of the image in pixels. */
  public static final int SIZE = 640;

  static final int LEFT = 78;
  static final int RIGHT = 20;
  static final int TEXT_SCALE = 2;

  /** Room above the plot for the title and, below it, the y-axis name. */
  static final int TOP = 18 + 2 * PlotText.height(TEXT_SCALE);

  /** Room under the plot for the tick labels and, below them, the axis name. */
  static final int BOTTOM = 20 + 2 * PlotText.height(TEXT_SCALE);

  /**
   * Most points {@link #vectorPoints()} draws as vector circles in SVG (about 100 bytes each: 2 MB
   * at this count); larger clouds stay one raster layer.
   */
  public static final int MAX_VECTOR_POINTS = 20_000;

  static final int POINT_RGB = 0x1f77b4;
  static final int GRID_RGB = 0xe6e6e6;
  static final int AXIS_RGB = 0x000000;

  /** The plotted region of data space. */
  public record Bounds(ValueRange x, ValueRange y) {}

  /**
   * Bounds that hold every finite point with a 5% margin, widened on one axis so both axes span the
   * same length. Points all at one place get a span of 2 around it.
   */
  public static Bounds autoBounds(float[] xy, int n) {
    double x0 = Double.POSITIVE_INFINITY;
    double x1 = Double.NEGATIVE_INFINITY;
    double y0 = Double.POSITIVE_INFINITY;
    double y1 = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      float x = xy[2 * i];
      float y = xy[2 * i + 1];
      if (Float.isFinite(x) && Float.isFinite(y)) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
    if (x0 > x1) { // no finite point
      return new Bounds(new ValueRange(-1, 1), new ValueRange(-1, 1));
    }
    double span = Math.max(x1 - x0, y1 - y0) * 1.1;
    if (span <= 0) {
      span = 2;
    }
    double cx = (x0 + x1) / 2;
    double cy = (y0 + y1) / 2;
    return new Bounds(
        new ValueRange(cx - span / 2, cx + span / 2), new ValueRange(cy - span / 2, cy + span / 2));
  }

  /** Same range on both axes. */
  public static Bounds square(ValueRange r) {
    return new Bounds(r, r);
  }

  /** Point opacity for n points: dense clouds get fainter points so that density shows. */
  static double alpha(int n) {
    return Math.max(0.04, Math.min(0.8, 0.8 * Math.sqrt(1000.0 / Math.max(1, n))));
  }

  private final float[] xy;
  private final int n;
  private final Bounds bounds;
  private final String title;
  private final List<Overlay> overlays = new ArrayList<>();
  private boolean vectorPoints;

  /** A polyline with squares at its nodes, or a labelled marker, drawn over the points. */
  private record Overlay(float[] xy, int n, int rgb, String label) {}

  private ScatterPlot(float[] xy, int n, Bounds bounds, String title) {
    this.xy = java.util.Arrays.copyOf(xy, 2 * n);
    this.n = n;
    this.bounds = bounds == null ? autoBounds(xy, n) : bounds;
    this.title = title == null ? "" : title;
  }

  /**
   * A scatter plot of the first {@code n} points, to render as PNG or SVG.
   *
   * @param xy at least 2·n floats, x then y per point (the first n points are copied)
   * @param bounds the plotted region; null for {@link #autoBounds}
   * @param title a line above the plot (may be empty)
   */
  public static ScatterPlot of(float[] xy, int n, Bounds bounds, String title) {
    return new ScatterPlot(xy, n, bounds, title);
  }

  /** The plotted region. */
  public Bounds bounds() {
    return bounds;
  }

  /**
   * In SVG, draws each point as a vector circle (same size, colour and opacity as in the PNG) and
   * the grid as lines, so the figure scales without pixels; clouds of more than {@link
   * #MAX_VECTOR_POINTS} points stay one raster layer. The PNG is the same either way.
   */
  public ScatterPlot vectorPoints() {
    this.vectorPoints = true;
    return this;
  }

  /** Whether {@link #toSvg()} draws the points as vector circles. */
  public boolean vectorSvg() {
    return vectorPoints && n <= MAX_VECTOR_POINTS;
  }

  /** Adds a polyline through {@code n} points (data coordinates) with a small square at each. */
  public ScatterPlot path(float[] points, int count, int rgb) {
    overlays.add(new Overlay(points.clone(), count, rgb, null));
    return this;
  }

  /** Adds a filled square of half-width 4 with a text label beside it, at data point (x, y). */
  public ScatterPlot marker(float x, float y, int rgb, String label) {
    overlays.add(new Overlay(new float[] {x, y}, 1, rgb, label));
    return this;
  }

  @Override
  public int width() {
    return SIZE;
  }

  @Override
  public int height() {
    return SIZE;
  }

  /**
   * Draws the first {@code n} points.
   *
   * @param xy 2·n floats, x then y per point
   * @param bounds the plotted region; null for {@link #autoBounds}
   * @param title a line above the plot (may be empty)
   */
  public static BufferedImage render(float[] xy, int n, Bounds bounds, String title) {
    return of(xy, n, bounds, title).toImage();
  }

  @Override
  public void draw(Graphics2D g) {
    Bounds b = bounds;
    int plotW = SIZE - LEFT - RIGHT;
    int plotH = SIZE - TOP - BOTTOM;
    double[] xTicks = ticks(b.x());
    double[] yTicks = ticks(b.y());
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, SIZE, SIZE);
    // the points (and the grid under them) are one raster layer: a cloud of up to 200 000 points
    // stays a small embedded PNG in an SVG, and density shows through exact alpha blending; a
    // figure asked for as SVG gets vector circles instead, where its size allows
    int outside = countOutside(b);
    if (vectorSvg() && g instanceof SVGGraphics2D) {
      drawVectorPoints(g, b, plotW, plotH, xTicks, yTicks);
    } else {
      g.drawImage(pointLayer(b, plotW, plotH, xTicks, yTicks), LEFT, TOP, null);
    }

    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_NORMALIZE);
    g.setStroke(new BasicStroke(1f));
    g.setColor(new Color(AXIS_RGB));
    // frame one pixel outside the plot area
    g.drawRect(LEFT - 1, TOP - 1, plotW + 1, plotH + 1);
    int th = PlotText.height(TEXT_SCALE);
    List<String> xLabels = labels(xTicks);
    for (int i = 0; i < xTicks.length; i++) {
      int px = LEFT + toPixelX(xTicks[i], b.x(), plotW);
      g.setColor(new Color(AXIS_RGB));
      g.drawLine(px, TOP + plotH + 1, px, TOP + plotH + 5);
      String s = xLabels.get(i);
      PlotText.draw(
          g, s, px - PlotText.width(s, TEXT_SCALE) / 2, TOP + plotH + 10, AXIS_RGB, TEXT_SCALE);
    }
    List<String> yLabels = labels(yTicks);
    for (int i = 0; i < yTicks.length; i++) {
      int py = TOP + toPixelY(yTicks[i], b.y(), plotH);
      g.setColor(new Color(AXIS_RGB));
      g.drawLine(LEFT - 6, py, LEFT - 2, py);
      String s = yLabels.get(i);
      PlotText.draw(
          g, s, LEFT - 10 - PlotText.width(s, TEXT_SCALE), py - th / 2, AXIS_RGB, TEXT_SCALE);
    }
    String xName = "x[0]";
    PlotText.draw(
        g,
        xName,
        LEFT + plotW / 2 - PlotText.width(xName, TEXT_SCALE) / 2,
        TOP + plotH + 12 + th,
        AXIS_RGB,
        TEXT_SCALE);
    // the y-axis name sits above the axis, where the bitmap font (which cannot rotate) can go too
    PlotText.draw(
        g,
        "x[1]",
        LEFT - PlotText.width("x[1]", TEXT_SCALE) / 2,
        TOP - th - 6,
        AXIS_RGB,
        TEXT_SCALE);

    String t = title;
    if (outside > 0) {
      t = t + (t.isEmpty() ? "" : ", ") + outside + " outside the plot";
    }
    PlotText.drawCentred(g, t, SIZE / 2, 8, SIZE - 12, AXIS_RGB, TEXT_SCALE);
    for (Overlay o : overlays) {
      if (o.label() == null) {
        drawPath(g, b, o.xy(), o.n(), o.rgb());
      } else {
        drawMarker(g, b, o.xy()[0], o.xy()[1], o.rgb(), o.label());
      }
    }
  }

  private int countOutside(Bounds b) {
    int outside = 0;
    for (int i = 0; i < n; i++) {
      float x = xy[2 * i];
      float y = xy[2 * i + 1];
      if (!(x >= b.x().lo() && x <= b.x().hi() && y >= b.y().lo() && y <= b.y().hi())) {
        outside++; // also NaN
      }
    }
    return outside;
  }

  /**
   * The grid and the points of {@link #pointLayer} as vector lines and circles: a point covers the
   * pixels the raster stamp covers (a disc of diameter 2r + 1 around its pixel's centre).
   */
  private void drawVectorPoints(
      Graphics2D g, Bounds b, int plotW, int plotH, double[] xTicks, double[] yTicks) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setStroke(new BasicStroke(1f));
    g.setColor(new Color(GRID_RGB));
    for (double t : xTicks) {
      int px = LEFT + toPixelX(t, b.x(), plotW);
      g.drawLine(px, TOP, px, TOP + plotH - 1);
    }
    for (double t : yTicks) {
      int py = TOP + toPixelY(t, b.y(), plotH);
      g.drawLine(LEFT, py, LEFT + plotW - 1, py);
    }
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    // the opacity as a composite in 64ths (exact in binary): SVG gets "fill-opacity:0.1875", not
    // 16 digits of a colour's alpha byte, on each of thousands of points
    Composite before = g.getComposite();
    float alpha = Math.max(1, Math.round(64 * alpha(n))) / 64f;
    g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, alpha));
    g.setColor(new Color(POINT_RGB));
    double d = 2 * (n <= 2000 ? 2 : 1) + 1;
    for (int i = 0; i < n; i++) {
      float x = xy[2 * i];
      float y = xy[2 * i + 1];
      if (!(x >= b.x().lo() && x <= b.x().hi() && y >= b.y().lo() && y <= b.y().hi())) {
        continue;
      }
      // the raster stamp's centre pixel, then the middle of that pixel
      double cx = LEFT + Math.round((x - b.x().lo()) / (b.x().hi() - b.x().lo()) * (plotW - 1));
      double cy = TOP + Math.round((b.y().hi() - y) / (b.y().hi() - b.y().lo()) * (plotH - 1));
      g.fill(new Ellipse2D.Double(cx + 0.5 - d / 2, cy + 0.5 - d / 2, d, d));
    }
    g.setComposite(before);
  }

  /** Grid lines and alpha-blended points of the plot area, plotW × plotH pixels. */
  private BufferedImage pointLayer(
      Bounds b, int plotW, int plotH, double[] xTicks, double[] yTicks) {
    float[] r = new float[plotW * plotH];
    float[] g = new float[plotW * plotH];
    float[] bl = new float[plotW * plotH];
    java.util.Arrays.fill(r, 1f);
    java.util.Arrays.fill(g, 1f);
    java.util.Arrays.fill(bl, 1f);
    // grid lines first, points blend over them
    for (double t : xTicks) {
      int px = toPixelX(t, b.x(), plotW);
      for (int py = 0; py < plotH; py++) {
        setPixel(r, g, bl, plotW, plotH, px, py, GRID_RGB);
      }
    }
    for (double t : yTicks) {
      int py = toPixelY(t, b.y(), plotH);
      for (int px = 0; px < plotW; px++) {
        setPixel(r, g, bl, plotW, plotH, px, py, GRID_RGB);
      }
    }
    float a = (float) alpha(n);
    float pr = (POINT_RGB >> 16 & 255) / 255f;
    float pg = (POINT_RGB >> 8 & 255) / 255f;
    float pb = (POINT_RGB & 255) / 255f;
    int radius = n <= 2000 ? 2 : 1;
    for (int i = 0; i < n; i++) {
      float x = xy[2 * i];
      float y = xy[2 * i + 1];
      if (!(x >= b.x().lo() && x <= b.x().hi() && y >= b.y().lo() && y <= b.y().hi())) {
        continue;
      }
      double fx = (x - b.x().lo()) / (b.x().hi() - b.x().lo()) * (plotW - 1);
      double fy = (b.y().hi() - y) / (b.y().hi() - b.y().lo()) * (plotH - 1);
      int cx = (int) Math.round(fx);
      int cy = (int) Math.round(fy);
      for (int dy = -radius; dy <= radius; dy++) {
        for (int dx = -radius; dx <= radius; dx++) {
          if (dx * dx + dy * dy > radius * radius + 1) {
            continue;
          }
          int px = cx + dx;
          int py = cy + dy;
          if (px < 0 || py < 0 || px >= plotW || py >= plotH) {
            continue;
          }
          int k = py * plotW + px;
          r[k] += (pr - r[k]) * a;
          g[k] += (pg - g[k]) * a;
          bl[k] += (pb - bl[k]) * a;
        }
      }
    }
    BufferedImage layer = new BufferedImage(plotW, plotH, BufferedImage.TYPE_INT_RGB);
    int[] line = new int[plotW];
    for (int py = 0; py < plotH; py++) {
      for (int px = 0; px < plotW; px++) {
        int k = py * plotW + px;
        line[px] = toByte(r[k]) << 16 | toByte(g[k]) << 8 | toByte(bl[k]);
      }
      layer.setRGB(0, py, plotW, 1, line, 0, plotW);
    }
    return layer;
  }

  private static void drawPath(Graphics2D g, Bounds b, float[] xy, int n, int rgb) {
    Shape clip = g.getClip();
    g.clip(plotArea());
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(new Color(rgb));
    g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
    if (n > 1) {
      Path2D.Double path = new Path2D.Double();
      path.moveTo(pixelX(xy[0], b), pixelY(xy[1], b));
      for (int i = 1; i < n; i++) {
        path.lineTo(pixelX(xy[2 * i], b), pixelY(xy[2 * i + 1], b));
      }
      g.draw(path);
    }
    for (int i = 0; i < n; i++) {
      g.fill(new Rectangle2D.Double(pixelX(xy[2 * i], b) - 2, pixelY(xy[2 * i + 1], b) - 2, 5, 5));
    }
    g.setClip(clip);
  }

  private static void drawMarker(Graphics2D g, Bounds b, float x, float y, int rgb, String label) {
    double px = pixelX(x, b);
    double py = pixelY(y, b);
    Shape clip = g.getClip();
    g.clip(plotArea());
    g.setColor(new Color(rgb));
    g.fill(new Rectangle2D.Double(px - 4, py - 4, 9, 9));
    g.setClip(clip);
    PlotText.draw(
        g, label, (int) px + 7, (int) py - PlotText.height(TEXT_SCALE) / 2, rgb, TEXT_SCALE);
  }

  private static Rectangle2D plotArea() {
    return new Rectangle2D.Double(LEFT, TOP, SIZE - LEFT - RIGHT, SIZE - TOP - BOTTOM);
  }

  private static int pixelX(float x, Bounds b) {
    return LEFT + toPixelX(x, b.x(), SIZE - LEFT - RIGHT);
  }

  private static int pixelY(float y, Bounds b) {
    return TOP + toPixelY(y, b.y(), SIZE - TOP - BOTTOM);
  }

  /**
   * Round tick values inside the range: steps of 1, 2 or 5 times a power of ten, about 4 to 9
   * ticks.
   */
  static double[] ticks(ValueRange r) {
    double span = r.hi() - r.lo();
    double raw = span / 8;
    double pow = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = pow;
    for (double m : new double[] {1, 2, 5, 10}) {
      step = m * pow;
      if (step >= raw) {
        break;
      }
    }
    List<Double> out = new ArrayList<>();
    long first = (long) Math.ceil(r.lo() / step - 1e-9);
    for (long k = first; k * step <= r.hi() + 1e-9 * step; k++) {
      out.add(k * step);
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Labels with as many decimals as the tick step needs, never "-0". */
  static List<String> labels(double[] ticks) {
    double step = ticks.length > 1 ? ticks[1] - ticks[0] : 1;
    int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
    List<String> out = new ArrayList<>();
    for (double t : ticks) {
      String s = String.format(Locale.ROOT, "%." + decimals + "f", t);
      if (s.matches("-0(\\.0*)?")) {
        s = s.substring(1);
      }
      out.add(s);
    }
    return out;
  }

  private static int toPixelX(double v, ValueRange r, int plotW) {
    return (int) Math.round((v - r.lo()) / (r.hi() - r.lo()) * (plotW - 1));
  }

  private static int toPixelY(double v, ValueRange r, int plotH) {
    return (int) Math.round((r.hi() - v) / (r.hi() - r.lo()) * (plotH - 1));
  }

  private static void setPixel(
      float[] r, float[] g, float[] b, int w, int h, int x, int y, int rgb) {
    if (x < 0 || y < 0 || x >= w || y >= h) {
      return;
    }
    int k = y * w + x;
    r[k] = (rgb >> 16 & 255) / 255f;
    g[k] = (rgb >> 8 & 255) / 255f;
    b[k] = (rgb & 255) / 255f;
  }

  private static int toByte(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255)));
  }
}
