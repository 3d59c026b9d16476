package io.flowmatch.inference.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;

/**
 * Text in plots: an installed sans-serif font through Java2D (anti-aliased, with descenders and
 * every Unicode glyph the font has), or {@link BitmapFont} where no font is installed. Sizes are
 * given as the bitmap font's scale, so a plot lays out the same with either: a real font is drawn
 * at {@code 11 × scale} pixels and takes the height {@link #height} reports.
 */
public final class PlotText {
  private PlotText() {}

  /** Families tried in order; Java's logical "SansSerif" maps to one of them on most systems. */
  private static final List<String> FAMILIES =
      List.of("DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial");

  private static final String FAMILY = findFamily();

  private static final Graphics2D MEASURE =
      new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();

  /** The font family used, or null when text falls back to the bitmap font. */
  public static String family() {
    return FAMILY;
  }

  private static String findFamily() {
    if (Boolean.getBoolean("flowmatch.bitmap-font")) {
      return null;
    }
    try {
      List<String> installed =
          Arrays.asList(
              GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames());
      for (String f : FAMILIES) {
        if (installed.contains(f)) {
          return f;
        }
      }
      // any installed family that can draw the letters plots need
      for (String f : installed) {
        Font font = new Font(f, Font.PLAIN, 12);
        if (!f.equals("Dialog") && font.canDisplayUpTo("dopri5 energy 0.5e-3") == -1) {
          return f;
        }
      }
    } catch (RuntimeException | Error e) {
      // no font configuration (a bare JRE without fontconfig): the bitmap font draws
    }
    return null;
  }

  /** The font of a scale, or null for the bitmap font. */
  public static Font font(int scale) {
    return FAMILY == null ? null : new Font(FAMILY, Font.PLAIN, 11 * scale);
  }

  public static int width(String text, int scale) {
    Font f = font(scale);
    if (f == null) {
      return BitmapFont.width(text, scale);
    }
    return MEASURE.getFontMetrics(f).stringWidth(text);
  }

  public static int height(int scale) {
    Font f = font(scale);
    if (f == null) {
      return BitmapFont.height(scale);
    }
    FontMetrics m = MEASURE.getFontMetrics(f);
    return m.getAscent() + m.getDescent();
  }

  /**
   * The width of {@code text} in a font of {@code size} pixels (the bitmap font: nearest scale).
   */
  public static int width(String text, float size) {
    if (FAMILY == null) {
      return BitmapFont.width(text, bitmapScale(size));
    }
    return MEASURE.getFontMetrics(sized(size)).stringWidth(text);
  }

  /** The line height of a font of {@code size} pixels. */
  public static int height(float size) {
    if (FAMILY == null) {
      return BitmapFont.height(bitmapScale(size));
    }
    FontMetrics m = MEASURE.getFontMetrics(sized(size));
    return m.getAscent() + m.getDescent();
  }

  /** Draws {@code text} in a font of {@code size} pixels, top-left at ({@code x}, {@code y}). */
  public static void draw(Graphics2D g, String text, int x, int y, int rgb, float size) {
    if (FAMILY == null) {
      BitmapFont.draw(g, text, x, y, rgb, bitmapScale(size));
      return;
    }
    drawWith(g, sized(size), text, x, y, rgb);
  }

  private static Font sized(float size) {
    return new Font(FAMILY, Font.PLAIN, 12).deriveFont(size);
  }

  private static int bitmapScale(float size) {
    return Math.max(1, Math.round(size / 11));
  }

  /** Draws {@code text} with its top-left corner at ({@code x}, {@code y}). */
  public static void draw(BufferedImage image, String text, int x, int y, int rgb, int scale) {
    Graphics2D g = image.createGraphics();
    try {
      draw(g, text, x, y, rgb, scale);
    } finally {
      g.dispose();
    }
  }

  /** Draws {@code text} with its top-left corner at ({@code x}, {@code y}) onto any canvas. */
  public static void draw(Graphics2D g, String text, int x, int y, int rgb, int scale) {
    Font f = font(scale);
    if (f == null) {
      BitmapFont.draw(g, text, x, y, rgb, scale);
      return;
    }
    drawWith(g, f, text, x, y, rgb);
  }

  /** Draws in font {@code f}, top-left at (x, y), anti-aliased, with fractional advances. */
  private static void drawWith(Graphics2D g, Font f, String text, int x, int y, int rgb) {
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setFont(f);
    g.setColor(new Color(rgb));
    // the ascent from the measuring context, so that a raster and an SVG canvas place text alike
    g.drawString(text, x, y + MEASURE.getFontMetrics(f).getAscent());
  }

  /**
   * {@code text}, shortened with an ellipsis only when it cannot fit {@code pixels} at {@code
   * scale}.
   */
  public static String fit(String text, int pixels, int scale) {
    if (width(text, scale) <= pixels) {
      return text;
    }
    String t = text;
    while (t.length() > 4 && width(t + "...", scale) > pixels) {
      t = t.substring(0, t.length() - 1);
    }
    return t + "...";
  }

  /**
   * Draws {@code text} centred on {@code cx}, in a real font shrunk (down to 60 %) until it fits
   * {@code pixels}, so that titles are not cut; the bitmap font, which cannot shrink, shortens.
   */
  public static void drawCentred(
      BufferedImage image, String text, int cx, int y, int pixels, int rgb, int scale) {
    Graphics2D g = image.createGraphics();
    try {
      drawCentred(g, text, cx, y, pixels, rgb, scale);
    } finally {
      g.dispose();
    }
  }

  /** {@link #drawCentred(BufferedImage, String, int, int, int, int, int)} onto any canvas. */
  public static void drawCentred(
      Graphics2D g, String text, int cx, int y, int pixels, int rgb, int scale) {
    if (FAMILY == null) {
      String t = fit(text, pixels, scale);
      BitmapFont.draw(g, t, cx - BitmapFont.width(t, scale) / 2, y, rgb, scale);
      return;
    }
    float size = 11f * scale;
    Font f = new Font(FAMILY, Font.PLAIN, Math.round(size));
    while (MEASURE.getFontMetrics(f).stringWidth(text) > pixels && size > 0.6f * 11 * scale) {
      size -= 0.5f;
      f = f.deriveFont(size);
    }
    String t = text;
    while (t.length() > 4 && MEASURE.getFontMetrics(f).stringWidth(t) > pixels) {
      t = t.substring(0, t.length() - 4) + "...";
    }
    drawWith(g, f, t, cx - MEASURE.getFontMetrics(f).stringWidth(t) / 2, y, rgb);
  }
}
