package io.flowmatch.inference.plot;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.jfree.svg.MeetOrSlice;
import org.jfree.svg.PreserveAspectRatio;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * A picture drawn once through {@link Graphics2D}, in pixel units on a {@link #width} × {@link
 * #height} canvas, and rendered from that one drawing code as a raster image (PNG) or as SVG.
 *
 * <pre>{@code
 * Chart c = new LinePlot("error vs NFE", "NFE", "error", true, true).series("heun", nfe, err);
 * AtomicFile.write(dir.resolve("error.png"), c.toPng());
 * AtomicFile.write(dir.resolve("error.svg"), c.toSvg().getBytes(StandardCharsets.UTF_8));
 * }</pre>
 */
public interface Chart {

  /** Width of the canvas in pixels. */
  int width();

  /** Height of the canvas in pixels. */
  int height();

  /** Draws the whole chart, background included, onto {@code g} (origin at the top left). */
  void draw(Graphics2D g);

  /**
   * Whether the chart is only a raster image (an image grid): its SVG would be nothing but an
   * embedded PNG, so report writers leave the SVG out (a file the user names {@code .svg} still
   * gets one: the pixels embedded, the title as text).
   */
  default boolean raster() {
    return false;
  }

  /** The chart as an RGB image of {@link #width} × {@link #height} pixels. */
  default BufferedImage toImage() {
    BufferedImage img = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      draw(g);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** The chart as PNG bytes. */
  default byte[] toPng() {
    return png(toImage());
  }

  /**
   * The chart as a standalone SVG document. Text stays text (searchable, drawn by the viewer's copy
   * of the font, falling back to its sans-serif); raster layers such as an image grid or a scatter
   * plot's point cloud are embedded as PNG, marked to scale as pixels. A {@code viewBox} lets the
   * SVG scale smoothly to any size.
   */
  default String toSvg() {
    SVGGraphics2D g = new SVGGraphics2D(width(), height());
    // the family the PNG was measured with, then any sans-serif: widths stay close to the PNG's
    // (double quotes: JFreeSVG writes the style attribute in single quotes)
    g.setFontFunction(family -> "\"" + family + "\", sans-serif");
    // a fixed prefix for clip-path ids, so the same chart gives the same file
    g.setDefsKeyPrefix("flowmatch-");
    // 2 decimals keep curves exact to the pixel and the files small
    g.setGeomDoubleConverter(v -> svgNumber(v));
    try {
      draw(g);
    } finally {
      g.dispose();
    }
    String svg =
        g.getSVGElement(
            null,
            true,
            new ViewBox(0, 0, width(), height()),
            PreserveAspectRatio.XMID_YMID,
            MeetOrSlice.MEET);
    // embedded rasters (image grids, point layers) are pixels drawn 1:1: a viewer that scales the
    // SVG should enlarge them as pixels, not blur them
    svg = svg.replace("<image ", "<image style='image-rendering:pixelated' ");
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n";
  }

  /** PNG bytes of an image. */
  static byte[] png(BufferedImage image) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, "png", bytes)) {
        throw new IllegalStateException("no PNG writer in this Java runtime");
      }
    } catch (IOException e) {
      // a ByteArrayOutputStream does not fail
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * A number for SVG geometry: at most 2 decimals, no trailing zeros. Plain arithmetic, no format
   * string or regex: a vector scatter plot writes it some 80 000 times.
   */
  static String svgNumber(double v) {
    if (!Double.isFinite(v) || Math.abs(v) >= 1e15) {
      return Double.toString(v);
    }
    long hundredths = Math.round(Math.abs(v) * 100);
    if (hundredths == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder(12);
    if (v < 0) {
      sb.append('-');
    }
    sb.append(hundredths / 100);
    int frac = (int) (hundredths % 100);
    if (frac != 0) {
      sb.append('.').append(frac / 10);
      if (frac % 10 != 0) {
        sb.append(frac % 10);
      }
    }
    return sb.toString();
  }

  /** A ready image as a chart, e.g. an image grid, optionally under a one-line title. */
  static Chart of(BufferedImage image, String title) {
    return new ImageChart(image, title);
  }
}
