package io.flowmatch.inference.plot;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** A ready image (e.g. an {@link ImageGrid}) under an optional one-line title. */
final class ImageChart implements Chart {
  private static final int TEXT = 2;
  private static final int PAD = 8;

  private final BufferedImage image;
  private final String title;

  ImageChart(BufferedImage image, String title) {
    this.image = image;
    this.title = title == null || title.isEmpty() ? null : title;
  }

  private int band() {
    return title == null ? 0 : PlotText.height(TEXT) + 2 * PAD;
  }

  @Override
  public boolean raster() {
    return true;
  }

  @Override
  public int width() {
    return image.getWidth();
  }

  @Override
  public int height() {
    return image.getHeight() + band();
  }

  @Override
  public void draw(Graphics2D g) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width(), height());
    if (title != null) {
      PlotText.drawCentred(g, title, width() / 2, PAD, width() - 8, 0x000000, TEXT);
    }
    g.drawImage(image, 0, band(), null);
  }
}
