package io.flowmatch.inference.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * The legend text "dopri5" is drawn glyph for glyph as the installed font draws it, not by the 5×7
 * bitmap font (which has no descender and read "dorri5").
 */
class LegendFontTest {
  private static final double[] X = {10, 20, 40};
  private static final double[] Y = {1e-2, 1e-3, 1e-4};

  @Test
  void theLegendIsTheFontsOwnRenderingOfDopri5() {
    String family = PlotText.family();
    assertNotNull(family, "no installed font found: plots fall back to the bitmap font");
    BufferedImage plot = new LinePlot("t", "x", "y", true, true).series("dopri5", X, Y).render();

    // where LinePlot puts the first legend entry's text
    int plotW = LinePlot.WIDTH - LinePlot.LEFT - LinePlot.RIGHT;
    int th = PlotText.height(LinePlot.TEXT);
    int tx = LinePlot.LEFT + plotW + 16 + 36;
    int ty = LinePlot.TOP + 4;

    // the font's own rendering of the word at that place, on white
    Font font = new Font(family, Font.PLAIN, 11 * LinePlot.TEXT);
    BufferedImage own =
        new BufferedImage(LinePlot.WIDTH, LinePlot.HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = own.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, own.getWidth(), own.getHeight());
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setFont(font);
    g.setColor(Color.BLACK);
    int ascent = g.getFontMetrics().getAscent();
    g.drawString("dopri5", tx, ty + ascent);
    int width = g.getFontMetrics().stringWidth("dopri5");
    int pStart = tx + g.getFontMetrics().stringWidth("do");
    int pEnd = tx + g.getFontMetrics().stringWidth("dop");
    g.dispose();

    int ink = 0;
    int differ = 0;
    for (int y = ty; y < ty + th; y++) {
      for (int x = tx; x < Math.min(LinePlot.WIDTH, tx + width + 4); x++) {
        int a = plot.getRGB(x, y) & 0xffffff;
        int b = own.getRGB(x, y) & 0xffffff;
        ink += b != 0xffffff ? 1 : 0;
        differ += a != b ? 1 : 0;
      }
    }
    assertTrue(ink > 100, "the font draws the word: " + ink + " pixels of ink");
    assertEquals(0, differ, "pixels of the legend that differ from the font's own rendering");

    // and the 'p' has a descender: ink below the baseline, which the bitmap font never has
    int below = 0;
    for (int y = ty + ascent + 2; y < ty + th; y++) {
      for (int x = pStart; x < pEnd; x++) {
        below += (plot.getRGB(x, y) & 0xff) < 128 ? 1 : 0;
      }
    }
    assertTrue(below >= 4, "the descender of p: " + below + " dark pixels below the baseline");
  }

  @Test
  void theBitmapFontWouldFailTheComparison() {
    // the check above can fail: the bitmap rendering of the same word is not the font's
    String family = PlotText.family();
    assertNotNull(family);
    BufferedImage bitmap = new BufferedImage(200, 40, BufferedImage.TYPE_INT_RGB);
    BufferedImage own = new BufferedImage(200, 40, BufferedImage.TYPE_INT_RGB);
    for (BufferedImage img : new BufferedImage[] {bitmap, own}) {
      Graphics2D g = img.createGraphics();
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, 200, 40);
      g.dispose();
    }
    BitmapFont.draw(bitmap, "dopri5", 4, 4, 0, 2);
    PlotText.draw(own, "dopri5", 4, 4, 0, 2);
    int differ = 0;
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 200; x++) {
        differ += bitmap.getRGB(x, y) != own.getRGB(x, y) ? 1 : 0;
      }
    }
    assertTrue(differ > 100, "bitmap and font renderings differ in " + differ + " pixels");
  }
}
