package io.flowmatch.inference.cli;

import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;

/** Which picture fits a model's samples (image grid or scatter plot), and drawing it. */
final class Pictures {
  private Pictures() {}

  /** Image grids show at most this many samples (a 32×32 grid). */
  static final int MAX_GRID_IMAGES = 1024;

  /** Scatter plots show at most this many points. */
  static final int MAX_SCATTER_POINTS = 200_000;

  static boolean isImage(int[] shape) {
    return ImageGrid.isImageShape(shape);
  }

  static boolean isPoint2d(int[] shape) {
    return shape.length == 1 && shape[0] == 2;
  }

  /** Throws a usage error naming {@code option} unless samples of this shape can be drawn. */
  static void requireDrawable(String option, int[] shape) {
    if (!isImage(shape) && !isPoint2d(shape)) {
      throw new UsageException(
          option
              + " cannot draw samples of shape "
              + Arrays.toString(shape)
              + ": a PNG needs [2] (scatter plot) or [C,H,W] with C = 1 or 3 (image grid); use --save-npy");
    }
  }

  /**
   * Throws a usage error unless the image grid of the first n samples fits {@link
   * ImageGrid#MAX_PIXELS}: checked before sampling, so a run that could not draw its picture fails
   * before any model call and writes nothing. Scatter plots have a fixed size and always fit.
   *
   * @param upscale --upscale, or null for the default by image height
   */
  static void requireGridFits(Integer upscale, int n, int[] shape) {
    if (!isImage(shape) || n < 1) {
      return;
    }
    int up = upscale != null ? upscale : ImageGrid.defaultUpscale(shape[shape.length - 2]);
    long pixels = ImageGrid.pixels(n, shape, up, ImageGrid.columns(n));
    if (pixels <= ImageGrid.MAX_PIXELS) {
      return;
    }
    int fits = ImageGrid.maxUpscale(n, shape);
    String grid =
        "the image grid of "
            + n
            + " samples of "
            + Arrays.toString(shape)
            + " would have "
            + pixels
            + " pixels, over the limit of "
            + ImageGrid.MAX_PIXELS;
    if (upscale != null) {
      throw new UsageException(
          "--upscale "
              + upscale
              + " is too large: "
              + grid
              + (fits > 0 ? "; use --upscale " + fits + " or less" : "; draw fewer samples (--n)"));
    }
    throw new UsageException("--out: " + grid + "; draw fewer samples (--n)");
  }

  /** How many samples a picture of this shape shows at most. */
  static int capacity(int[] shape) {
    return isImage(shape) ? MAX_GRID_IMAGES : MAX_SCATTER_POINTS;
  }

  /** The model's data range (metadata), or [-1, 1] with a warning when it cannot be read. */
  static ValueRange dataRange(Map<String, String> metadata, PrintWriter stderr) {
    ModelCard card = ModelCard.fromProps(metadata);
    if (card.dataRange() != null) {
      return card.dataRange();
    }
    String prefix = "model metadata " + ModelMetadata.DATA_RANGE + ":";
    for (String problem : card.problems()) {
      if (problem.startsWith(prefix)) {
        stderr.println("warning: " + problem + "; using -1,1");
      }
    }
    return ValueRange.DEFAULT_IMAGE;
  }

  /**
   * An image grid (image models) or a scatter plot (2-D models) of the first n samples.
   *
   * @param upscale image grids: pixel size, or null for the default by image height
   * @param bounds scatter plots: fixed bounds, or null to fit the samples
   */
  static BufferedImage render(
      float[] data,
      int n,
      int[] shape,
      ValueRange range,
      Integer upscale,
      ScatterPlot.Bounds bounds,
      String title) {
    // a sample's image grid has no title; the scatter plot is the chart's
    return isImage(shape)
        ? grid(data, n, shape, range, upscale)
        : chart(data, n, shape, range, upscale, bounds, title).toImage();
  }

  /**
   * The same picture as a {@link Chart} (PNG or SVG): an image grid under {@code title}, or the
   * scatter plot.
   */
  static Chart chart(
      float[] data,
      int n,
      int[] shape,
      ValueRange range,
      Integer upscale,
      ScatterPlot.Bounds bounds,
      String title) {
    return isImage(shape)
        ? Chart.of(grid(data, n, shape, range, upscale), title)
        : ScatterPlot.of(data, n, bounds, title);
  }

  /** The image grid, at {@code upscale} or the default pixel size for the image height. */
  private static BufferedImage grid(
      float[] data, int n, int[] shape, ValueRange range, Integer upscale) {
    int up = upscale != null ? upscale : ImageGrid.defaultUpscale(shape[shape.length - 2]);
    return ImageGrid.render(data, n, shape, range, up);
  }
}
