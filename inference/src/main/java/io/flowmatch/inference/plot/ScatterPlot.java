package io.flowmatch.inference.plot;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders 2-D samples {@code [N, 2]} as a scatter plot: semi-transparent points, a frame with
 * ticks, tick labels and grid lines, axis names and a title. Both axes use the same scale so that
 * round clusters look round.
 */
public final class ScatterPlot {
  private ScatterPlot() {}

  /** Width and height of the image in pixels. */
  public static final int SIZE = 640;

  static final int LEFT = 78;
  static final int RIGHT = 20;
  static final int TOP = 58;
  static final int BOTTOM = 56;
  static final int TEXT_SCALE = 2;
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

  /**
   * Draws the first {@code n} points.
   *
   * @param xy 2·n floats, x then y per point
   * @param bounds the plotted region; null for {@link #autoBounds}
   * @param title a line above the plot (may be empty)
   */
  public static BufferedImage render(float[] xy, int n, Bounds bounds, String title) {
    Bounds b = bounds == null ? autoBounds(xy, n) : bounds;
    int plotW = SIZE - LEFT - RIGHT;
    int plotH = SIZE - TOP - BOTTOM;
    float[] r = new float[plotW * plotH];
    float[] g = new float[plotW * plotH];
    float[] bl = new float[plotW * plotH];
    java.util.Arrays.fill(r, 1f);
    java.util.Arrays.fill(g, 1f);
    java.util.Arrays.fill(bl, 1f);

    double[] xTicks = ticks(b.x());
    double[] yTicks = ticks(b.y());
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
    int outside = 0;
    for (int i = 0; i < n; i++) {
      float x = xy[2 * i];
      float y = xy[2 * i + 1];
      if (!(x >= b.x().lo() && x <= b.x().hi() && y >= b.y().lo() && y <= b.y().hi())) {
        outside++; // also NaN
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

    BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
    int[] white = new int[SIZE];
    java.util.Arrays.fill(white, 0xffffff);
    for (int y = 0; y < SIZE; y++) {
      img.setRGB(0, y, SIZE, 1, white, 0, SIZE);
    }
    int[] line = new int[plotW];
    for (int py = 0; py < plotH; py++) {
      for (int px = 0; px < plotW; px++) {
        int k = py * plotW + px;
        line[px] = toByte(r[k]) << 16 | toByte(g[k]) << 8 | toByte(bl[k]);
      }
      img.setRGB(LEFT, TOP + py, plotW, 1, line, 0, plotW);
    }

    // frame one pixel outside the plot area
    for (int x = LEFT - 1; x <= LEFT + plotW; x++) {
      img.setRGB(x, TOP - 1, AXIS_RGB);
      img.setRGB(x, TOP + plotH, AXIS_RGB);
    }
    for (int y = TOP - 1; y <= TOP + plotH; y++) {
      img.setRGB(LEFT - 1, y, AXIS_RGB);
      img.setRGB(LEFT + plotW, y, AXIS_RGB);
    }
    int th = PlotText.height(TEXT_SCALE);
    List<String> xLabels = labels(xTicks);
    for (int i = 0; i < xTicks.length; i++) {
      int px = LEFT + toPixelX(xTicks[i], b.x(), plotW);
      for (int k = 1; k <= 5; k++) {
        img.setRGB(px, TOP + plotH + k, AXIS_RGB);
      }
      String s = xLabels.get(i);
      PlotText.draw(
          img, s, px - PlotText.width(s, TEXT_SCALE) / 2, TOP + plotH + 10, AXIS_RGB, TEXT_SCALE);
    }
    List<String> yLabels = labels(yTicks);
    for (int i = 0; i < yTicks.length; i++) {
      int py = TOP + toPixelY(yTicks[i], b.y(), plotH);
      for (int k = 2; k <= 6; k++) {
        img.setRGB(LEFT - k, py, AXIS_RGB);
      }
      String s = yLabels.get(i);
      PlotText.draw(
          img, s, LEFT - 10 - PlotText.width(s, TEXT_SCALE), py - th / 2, AXIS_RGB, TEXT_SCALE);
    }
    String xName = "x[0]";
    PlotText.draw(
        img,
        xName,
        LEFT + plotW / 2 - PlotText.width(xName, TEXT_SCALE) / 2,
        SIZE - th - 6,
        AXIS_RGB,
        TEXT_SCALE);
    // the y-axis name sits above the axis: the bitmap font cannot be rotated
    PlotText.draw(
        img,
        "x[1]",
        LEFT - PlotText.width("x[1]", TEXT_SCALE) / 2,
        TOP - th - 10,
        AXIS_RGB,
        TEXT_SCALE);

    String t = title == null ? "" : title;
    if (outside > 0) {
      t = t + (t.isEmpty() ? "" : ", ") + outside + " outside the plot";
    }
    PlotText.drawCentred(img, t, SIZE / 2, 8, SIZE - 12, AXIS_RGB, TEXT_SCALE);
    return img;
  }

  /**
   * Draws a polyline through {@code n} points (data coordinates, x then y) over a plot that {@link
   * #render} made with the same bounds, with a small square at each point. Parts outside the plot
   * area are clipped.
   */
  public static void drawPath(BufferedImage img, Bounds b, float[] xy, int n, int rgb) {
    for (int i = 0; i + 1 < n; i++) {
      int x0 = pixelX(xy[2 * i], b);
      int y0 = pixelY(xy[2 * i + 1], b);
      int x1 = pixelX(xy[2 * i + 2], b);
      int y1 = pixelY(xy[2 * i + 3], b);
      int steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0));
      for (int k = 0; k <= steps; k++) {
        double f = steps == 0 ? 0 : (double) k / steps;
        plotPixel(
            img, (int) Math.round(x0 + f * (x1 - x0)), (int) Math.round(y0 + f * (y1 - y0)), rgb);
      }
    }
    for (int i = 0; i < n; i++) {
      drawSquare(img, pixelX(xy[2 * i], b), pixelY(xy[2 * i + 1], b), 2, rgb);
    }
  }

  /** A filled square of half-width 4 with a text label beside it, at data point (x, y). */
  public static void drawMarker(
      BufferedImage img, Bounds b, float x, float y, int rgb, String label) {
    int px = pixelX(x, b);
    int py = pixelY(y, b);
    drawSquare(img, px, py, 4, rgb);
    PlotText.draw(img, label, px + 7, py - PlotText.height(TEXT_SCALE) / 2, rgb, TEXT_SCALE);
  }

  private static int pixelX(float x, Bounds b) {
    return LEFT + toPixelX(x, b.x(), SIZE - LEFT - RIGHT);
  }

  private static int pixelY(float y, Bounds b) {
    return TOP + toPixelY(y, b.y(), SIZE - TOP - BOTTOM);
  }

  private static void drawSquare(BufferedImage img, int cx, int cy, int half, int rgb) {
    for (int dy = -half; dy <= half; dy++) {
      for (int dx = -half; dx <= half; dx++) {
        plotPixel(img, cx + dx, cy + dy, rgb);
      }
    }
  }

  /** Sets a pixel if it lies inside the plot area. */
  private static void plotPixel(BufferedImage img, int x, int y, int rgb) {
    if (x >= LEFT && x < SIZE - RIGHT && y >= TOP && y < SIZE - BOTTOM) {
      img.setRGB(x, y, rgb);
    }
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
