package io.flowmatch.inference.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;

/**
 * A built-in 5×7 pixel font for plot labels, so that plots render the same on every machine,
 * headless or not, with or without system fonts.
 *
 * <p>Each glyph is 7 rows, top to bottom, written as two hex digits per row; bit 4 is the leftmost
 * of the 5 pixels (e.g. {@code 0e} is {@code .###.}). Characters without a glyph draw as a hollow
 * box.
 */
public final class BitmapFont {
  private BitmapFont() {}

  public static final int GLYPH_WIDTH = 5;
  public static final int GLYPH_HEIGHT = 7;

  /** Horizontal advance per character, in glyph pixels (one column of spacing). */
  public static final int ADVANCE = GLYPH_WIDTH + 1;

  private static final Map<Character, int[]> GLYPHS = new HashMap<>();
  private static final int[] BOX = rows("1f11111111111f");

  static {
    glyph('0', "0e11131519110e");
    glyph('1', "040c040404040e");
    glyph('2', "0e11010204081f");
    glyph('3', "1f02040201110e");
    glyph('4', "02060a121f0202");
    glyph('5', "1f101e0101110e");
    glyph('6', "0608101e11110e");
    glyph('7', "1f010204080808");
    glyph('8', "0e11110e11110e");
    glyph('9', "0e11110f01020c");
    glyph('.', "00000000000c0c");
    glyph(',', "000000000c0408");
    glyph('-', "0000001f000000");
    glyph('+', "0004041f040400");
    glyph(':', "000c0c000c0c00");
    glyph('=', "00001f001f0000");
    glyph('(', "02040808080402");
    glyph(')', "08040202020408");
    glyph('[', "0e08080808080e");
    glyph(']', "0e02020202020e");
    glyph('/', "00010204081000");
    glyph('%', "18190204081303");
    glyph('_', "0000000000001f");
    glyph('\'', "04040800000000");
    glyph('\u00b7', "00000004000000");
    glyph('\u00d7', "00110a040a1100");
    glyph('<', "02040810080402");
    glyph('>', "08040201020408");
    glyph('@', "0e11171517100e");
    glyph('a', "00000e010f110f");
    glyph('b', "1010161911111e");
    glyph('c', "00000e1010110e");
    glyph('d', "01010d1311110f");
    glyph('e', "00000e111f100e");
    glyph('f', "0609081c080808");
    glyph('g', "00000f110f010e");
    glyph('h', "10101619111111");
    glyph('i', "04000c0404040e");
    glyph('j', "0200060202120c");
    glyph('k', "10101214181412");
    glyph('l', "0c04040404040e");
    glyph('m', "00001a15151111");
    glyph('n', "00001619111111");
    glyph('o', "00000e1111110e");
    glyph('p', "00001e111e1010");
    glyph('q', "00000d130f0101");
    glyph('r', "00001619101010");
    glyph('s', "00000e100e011e");
    glyph('t', "08081c08080906");
    glyph('u', "0000111111130d");
    glyph('v', "00001111110a04");
    glyph('w', "0000111115150a");
    glyph('x', "0000110a040a11");
    glyph('y', "000011110f010e");
    glyph('z', "00001f0204081f");
    glyph('A', "0e11111f111111");
    glyph('B', "1e11111e11111e");
    glyph('C', "0e11101010110e");
    glyph('D', "1e11111111111e");
    glyph('E', "1f10101e10101f");
    glyph('F', "1f10101e101010");
    glyph('G', "0e11101711110f");
    glyph('H', "1111111f111111");
    glyph('I', "0e04040404040e");
    glyph('J', "0702020202120c");
    glyph('K', "11121418141211");
    glyph('L', "1010101010101f");
    glyph('M', "111b1515111111");
    glyph('N', "11111915131111");
    glyph('O', "0e11111111110e");
    glyph('P', "1e11111e101010");
    glyph('Q', "0e11111115120d");
    glyph('R', "1e11111e141211");
    glyph('S', "0f10100e01011e");
    glyph('T', "1f040404040404");
    glyph('U', "1111111111110e");
    glyph('V', "11111111110a04");
    glyph('W', "1111111515150a");
    glyph('X', "11110a040a1111");
    glyph('Y', "11110a04040404");
    glyph('Z', "1f01020408101f");
  }

  private static void glyph(char c, String hexRows) {
    GLYPHS.put(c, rows(hexRows));
  }

  private static int[] rows(String hexRows) {
    int[] r = new int[GLYPH_HEIGHT];
    for (int i = 0; i < GLYPH_HEIGHT; i++) {
      r[i] = Integer.parseInt(hexRows.substring(2 * i, 2 * i + 2), 16);
    }
    return r;
  }

  /** Whether the font has a glyph for {@code c} (space is always blank). */
  public static boolean covers(char c) {
    return c == ' ' || GLYPHS.containsKey(c);
  }

  /** Width in image pixels of {@code text} drawn at {@code scale}. */
  public static int width(String text, int scale) {
    return text.isEmpty() ? 0 : (text.length() * ADVANCE - 1) * scale;
  }

  /** Height in image pixels at {@code scale}. */
  public static int height(int scale) {
    return GLYPH_HEIGHT * scale;
  }

  /**
   * Draws {@code text} with its top-left corner at (x, y); pixels outside the image are skipped.
   *
   * @param rgb the colour, 0xRRGGBB
   * @param scale size of one glyph pixel in image pixels
   */
  public static void draw(BufferedImage image, String text, int x, int y, int rgb, int scale) {
    Graphics2D g = image.createGraphics();
    try {
      draw(g, text, x, y, rgb, scale);
    } finally {
      g.dispose();
    }
  }

  /**
   * Draws {@code text} with its top-left corner at (x, y) as filled squares, one per glyph pixel:
   * the same on a raster and on an SVG canvas.
   */
  public static void draw(Graphics2D g, String text, int x, int y, int rgb, int scale) {
    Object aa = g.getRenderingHint(RenderingHints.KEY_ANTIALIASING);
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
    g.setColor(new Color(rgb));
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == ' ') {
        continue;
      }
      int[] glyph = GLYPHS.getOrDefault(c, BOX);
      int gx = x + k * ADVANCE * scale;
      for (int row = 0; row < GLYPH_HEIGHT; row++) {
        for (int col = 0; col < GLYPH_WIDTH; col++) {
          if ((glyph[row] >> (GLYPH_WIDTH - 1 - col) & 1) != 0) {
            g.fillRect(gx + col * scale, y + row * scale, scale, scale);
          }
        }
      }
    }
    if (aa != null) {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, aa);
    }
  }
}
