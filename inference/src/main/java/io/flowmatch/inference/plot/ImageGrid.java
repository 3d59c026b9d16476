package io.flowmatch.inference.plot;

import java.awt.image.BufferedImage;

/**
 * Renders a batch of images {@code [N, C, H, W]} (C = 1 grayscale or 3 RGB; {@code [N, H, W]} is
 * grayscale too) as one near-square grid with a 1-pixel border around every tile.
 */
public final class ImageGrid {
  private ImageGrid() {}

  /** Colour of the border and of empty cells in the last row. */
  public static final int BORDER_RGB = 0x808080;

  /** Whether samples of this shape (without the batch dimension) can be drawn as images. */
  public static boolean isImageShape(int[] shape) {
    return shape.length == 2 || (shape.length == 3 && (shape[0] == 1 || shape[0] == 3));
  }

  /** Columns of the grid for n tiles: ceil(sqrt(n)). */
  public static int columns(int n) {
    int c = (int) Math.ceil(Math.sqrt(n));
    // guard against floating-point rounding of perfect squares
    while (c > 1 && (long) (c - 1) * (c - 1) >= n) {
      c--;
    }
    return Math.max(1, c);
  }

  /** An upscale factor that makes small images at least 56 pixels tall (28×28 → 2). */
  public static int defaultUpscale(int height) {
    return Math.max(1, 56 / Math.max(1, height));
  }

  /** The most pixels a grid may have: 2^28, 1 GiB as RGB ints. */
  public static final long MAX_PIXELS = 1L << 28;

  /**
   * Width × height in pixels of the grid {@link #render(float[], int, int[], ValueRange, int, int)}
   * would draw, computed without drawing (long: no overflow for any int arguments).
   */
  public static long pixels(int n, int[] shape, int upscale, int cols) {
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    long rows = ((long) n + cols - 1) / cols;
    long width = (long) cols * ((long) w * upscale + 1) + 1;
    long height = rows * ((long) h * upscale + 1) + 1;
    return width * height;
  }

  /**
   * The largest upscale factor at which a grid of n images (near-square) stays within {@link
   * #MAX_PIXELS}, or 0 when not even factor 1 fits.
   */
  public static int maxUpscale(int n, int[] shape) {
    int cols = columns(n);
    int lo = 0;
    int hi = 1 << 16; // 2^16 pixels per side of one image pixel never fits 2^28
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (pixels(n, shape, mid, cols) <= MAX_PIXELS) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  /**
   * Draws the first {@code n} images.
   *
   * @param data at least n·C·H·W floats, C order
   * @param shape {C, H, W} or {H, W}
   * @param range data values mapped to black..white (clipped)
   * @param upscale each pixel becomes upscale × upscale pixels (nearest neighbour)
   */
  public static BufferedImage render(
      float[] data, int n, int[] shape, ValueRange range, int upscale) {
    return render(data, n, shape, range, upscale, columns(n));
  }

  /** Same, with a given number of columns (e.g. n for one row of interpolation frames). */
  public static BufferedImage render(
      float[] data, int n, int[] shape, ValueRange range, int upscale, int cols) {
    if (!isImageShape(shape)) {
      throw new IllegalArgumentException(
          "image grids need samples of shape [C,H,W] with C = 1 or 3, or [H,W], got "
              + java.util.Arrays.toString(shape));
    }
    if (n < 1 || upscale < 1 || cols < 1) {
      throw new IllegalArgumentException(
          "need n ≥ 1, upscale ≥ 1 and columns ≥ 1, got n="
              + n
              + ", upscale="
              + upscale
              + ", columns="
              + cols);
    }
    int channels = shape.length == 3 ? shape[0] : 1;
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    int plane = h * w;
    int rows = (n + cols - 1) / cols;
    if (pixels(n, shape, upscale, cols) > MAX_PIXELS) {
      throw new IllegalArgumentException(
          "an image grid of "
              + n
              + " tiles at upscale "
              + upscale
              + " would be "
              + ((long) cols * ((long) w * upscale + 1) + 1)
              + "×"
              + ((long) rows * ((long) h * upscale + 1) + 1)
              + " pixels, over the limit of "
              + MAX_PIXELS
              + "; draw fewer samples or use a smaller upscale");
    }
    int tileW = w * upscale;
    int tileH = h * upscale;
    long width = (long) cols * (tileW + 1) + 1;
    long height = (long) rows * (tileH + 1) + 1;
    BufferedImage img = new BufferedImage((int) width, (int) height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[(int) width];
    java.util.Arrays.fill(row, BORDER_RGB);
    for (int y = 0; y < height; y++) {
      img.setRGB(0, y, (int) width, 1, row, 0, (int) width);
    }
    int[] tile = new int[tileW * tileH];
    for (int i = 0; i < n; i++) {
      int base = i * channels * plane;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int p = base + y * w + x;
          int rgb;
          if (channels == 1) {
            int g = range.toByte(data[p]);
            rgb = g << 16 | g << 8 | g;
          } else {
            rgb =
                range.toByte(data[p]) << 16
                    | range.toByte(data[p + plane]) << 8
                    | range.toByte(data[p + 2 * plane]);
          }
          for (int dy = 0; dy < upscale; dy++) {
            int o = (y * upscale + dy) * tileW + x * upscale;
            for (int dx = 0; dx < upscale; dx++) {
              tile[o + dx] = rgb;
            }
          }
        }
      }
      int x0 = (i % cols) * (tileW + 1) + 1;
      int y0 = (i / cols) * (tileH + 1) + 1;
      img.setRGB(x0, y0, tileW, tileH, tile, 0, tileW);
    }
    return img;
  }
}
