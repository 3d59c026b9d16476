package io.flowmatch.inference.io;

import io.flowmatch.inference.plot.ValueRange;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/** Turns image files into model samples [C, H, W], pixel values 0..255 mapped onto a data range. */
public final class ImageSamples {
  private ImageSamples() {}

  /**
   * Writes the image into {@code out} from {@code offset} as C·H·W floats.
   *
   * @param shape the model's sample shape: {C, H, W} with C = 1 or 3, or {H, W}
   * @param name the file name, for messages
   * @throws IllegalArgumentException when the size or the channels do not fit, naming what the
   *     model expects
   */
  public static void toSample(
      BufferedImage image, int[] shape, ValueRange range, String name, float[] out, int offset) {
    int channels = shape.length == 3 ? shape[0] : 1;
    int h = shape[shape.length - 2];
    int w = shape[shape.length - 1];
    boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    String expected =
        (channels == 1 ? "grayscale" : "RGB")
            + " images of "
            + w
            + "×"
            + h
            + " pixels (sample shape "
            + Arrays.toString(shape)
            + ")";
    if (image.getWidth() != w || image.getHeight() != h) {
      throw new IllegalArgumentException(
          name
              + " is "
              + image.getWidth()
              + "×"
              + image.getHeight()
              + " pixels; the model expects "
              + expected);
    }
    // an RGB file whose pixels are all gray (R = G = B) is a grayscale image too
    boolean grayLike = gray || (channels == 1 && allGray(image));
    if (grayLike != (channels == 1)) {
      throw new IllegalArgumentException(
          name
              + " is "
              + (gray ? "a grayscale" : "an RGB")
              + " image; the model expects "
              + expected);
    }
    double scale = (range.hi() - range.lo()) / 255.0;
    int plane = h * w;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int p = y * w + x;
        if (channels == 1 && gray) {
          // the raster holds the gray level itself (getRGB would apply the gray colour space's
          // gamma)
          int g = image.getRaster().getSample(x, y, 0);
          int bits = image.getColorModel().getComponentSize(0);
          double v = bits == 8 ? g : g * 255.0 / ((1 << bits) - 1);
          out[offset + p] = (float) (range.lo() + v * scale);
        } else if (channels == 1) {
          out[offset + p] = (float) (range.lo() + (image.getRGB(x, y) & 255) * scale);
        } else {
          int rgb = image.getRGB(x, y);
          out[offset + p] = (float) (range.lo() + (rgb >> 16 & 255) * scale);
          out[offset + plane + p] = (float) (range.lo() + (rgb >> 8 & 255) * scale);
          out[offset + 2 * plane + p] = (float) (range.lo() + (rgb & 255) * scale);
        }
      }
    }
  }

  private static boolean allGray(BufferedImage image) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y);
        int r = rgb >> 16 & 255;
        if (r != (rgb >> 8 & 255) || r != (rgb & 255)) {
          return false;
        }
      }
    }
    return true;
  }
}
