package io.flowmatch.inference.cli;

import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Which picture fits a model's samples (image grid or scatter plot), drawing it, and writing it as
 * PNG or SVG by the file's extension.
 */
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
              + ": a picture needs [2] (scatter plot) or [C,H,W] with C = 1 or 3 (image grid); use --save-npy");
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
    int up = upscale(upscale, shape);
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
   * The picture of the first n samples as a {@link Chart} (PNG or SVG): an image grid under {@code
   * title} (none when null), or the scatter plot.
   *
   * @param upscale image grids: pixel size, or null for the default by image height
   * @param bounds scatter plots: fixed bounds, or null to fit the samples
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
  static BufferedImage grid(float[] data, int n, int[] shape, ValueRange range, Integer upscale) {
    return ImageGrid.render(data, n, shape, range, upscale(upscale, shape));
  }

  /** {@code --upscale}, or the default pixel size for the image height. */
  static int upscale(Integer upscale, int[] shape) {
    return upscale != null ? upscale : ImageGrid.defaultUpscale(shape[shape.length - 2]);
  }

  /**
   * Throws a usage error unless {@code file} names a picture format {@link #write} knows: .png or
   * .svg (case-insensitive); null passes.
   *
   * @param hint appended to the message, e.g. {@code " (use --save-npy for NumPy output)"}
   */
  static void requireFormat(String option, Path file, String hint) {
    if (file != null && !isSvg(file) && !isPng(file)) {
      throw new UsageException(
          option + " must name a .png or .svg file, got '" + file + "'" + hint);
    }
  }

  static boolean isPng(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png");
  }

  static boolean isSvg(Path file) {
    return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
  }

  /**
   * Writes {@code chart} atomically as SVG when {@code file} ends in .svg, else as PNG. A 2-D
   * scatter plot in SVG gets its points as vector circles (up to {@link
   * ScatterPlot#MAX_VECTOR_POINTS}); an image grid stays pixels, embedded as a PNG in the SVG
   * (under its title as text, if it has one).
   *
   * @param option the option that named the file, for messages
   */
  static void write(String option, Path file, Chart chart) {
    try {
      if (isSvg(file)) {
        if (chart instanceof ScatterPlot plot) {
          plot.vectorPoints();
        }
        AtomicFile.write(file, chart.toSvg().getBytes(StandardCharsets.UTF_8));
      } else {
        Png.write(chart.toImage(), file);
      }
    } catch (IOException e) {
      throw new FailureException(
          "cannot write " + option + " " + file + ": " + IoMessages.of(e), e);
    }
  }

  /**
   * For "wrote" lines: how an SVG keeps the picture (", vector points", ", pixels embedded as PNG",
   * ...); empty for a PNG.
   */
  static String svgNote(int[] shape, Path file, int points) {
    if (!isSvg(file)) {
      return "";
    }
    if (isImage(shape)) {
      return ", pixels embedded as PNG";
    }
    return points <= ScatterPlot.MAX_VECTOR_POINTS
        ? ", vector points"
        : ", points as one raster layer (over " + ScatterPlot.MAX_VECTOR_POINTS + ")";
  }
}
