package io.flowmatch.inference.cli;

import io.flowmatch.inference.io.ImageSamples;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.NpyHeader;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.ValueRange;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Data items named on the command line, read into model samples: rows of a .npy file ({@code
 * FILE.npy} for all rows, {@code FILE.npy:ROW} for one), image files ({@code .png}, {@code .jpg},
 * {@code .bmp}, {@code .gif}) mapped onto the model's data range, or for flat sample shapes a list
 * of numbers ({@code 1.5,-2}).
 */
final class Items {
  private Items() {}

  /** Samples read from several specs, concatenated in order. */
  static float[] read(String option, List<String> specs, int[] shape, ValueRange range) {
    int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    float[][] parts = new float[specs.size()][];
    long total = 0;
    for (int i = 0; i < specs.size(); i++) {
      parts[i] = read(option, specs.get(i), shape, size, range);
      total += parts[i].length;
    }
    if (total > Integer.MAX_VALUE - 8) {
      throw new UsageException(
          option
              + ": "
              + total / size
              + " items do not fit in memory; use a .npy file with sample");
    }
    float[] all = new float[(int) total];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static float[] read(String option, String spec, int[] shape, int size, ValueRange range) {
    String lower = spec.toLowerCase(Locale.ROOT);
    int colon = spec.lastIndexOf(':');
    if (lower.endsWith(".npy") || (colon > 0 && lower.substring(0, colon).endsWith(".npy"))) {
      Path path = Path.of(lower.endsWith(".npy") ? spec : spec.substring(0, colon));
      Long row = null;
      if (!lower.endsWith(".npy")) {
        try {
          row = Long.parseLong(spec.substring(colon + 1));
        } catch (NumberFormatException e) {
          throw new UsageException(
              option + " " + spec + ": expected FILE.npy or FILE.npy:ROW with a row number");
        }
      }
      return npyRows(option, path, row, shape, size);
    }
    if (lower.matches(".*\\.(png|jpg|jpeg|bmp|gif)")) {
      return image(option, Path.of(spec), shape, size, range);
    }
    if (spec.matches("[-+0-9.eE, ]+")) {
      return numbers(option, spec, shape, size);
    }
    throw new UsageException(
        option
            + " "
            + spec
            + ": expected a .npy file (FILE.npy or FILE.npy:ROW), an image file or numbers such as 1.5,-2");
  }

  private static float[] npyRows(String option, Path path, Long row, int[] shape, int size) {
    try (NpyFile f = NoiseFiles.open(option, path)) {
      long[] s = f.shape();
      boolean oneItem = Arrays.equals(s, Arrays.stream(shape).asLongStream().toArray());
      if (oneItem && row == null) {
        return f.readAll();
      }
      int n = NoiseFiles.count(option, path, f, shape, null);
      if (row != null && (row < 0 || row >= n)) {
        throw new UsageException(
            option + " " + path + ":" + row + ": row out of range, the file has " + n + " rows");
      }
      int first = row == null ? 0 : (int) (long) row;
      int count = row == null ? n : 1;
      float[] data = new float[Math.multiplyExact(count, size)];
      f.readRows(first, count, data, 0);
      return data;
    } catch (IOException e) {
      throw new FailureException("cannot read " + option + " " + path + ": " + IoMessages.of(e), e);
    }
  }

  private static float[] image(String option, Path path, int[] shape, int size, ValueRange range) {
    if (!Pictures.isImage(shape)) {
      throw new UsageException(
          option
              + " "
              + path
              + ": an image file needs an image model, this one's samples have shape "
              + Arrays.toString(shape));
    }
    if (!Files.exists(path)) {
      throw new UsageException(option + " " + path + ": no such file");
    }
    BufferedImage img;
    try {
      // a bound on the header's size, well above the model's: a wrong size still gets the exact
      // message below, a 40000×40000 header is refused before any pixel is decoded
      img =
          Png.read(
              path,
              Math.max(1024, 4 * shape[shape.length - 1]),
              Math.max(1024, 4 * shape[shape.length - 2]));
    } catch (io.flowmatch.inference.error.FlowmatchException e) {
      throw new io.flowmatch.inference.error.FlowmatchException(
          e.kind(), option + " " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UsageException(
          option
              + " "
              + (e instanceof NoSuchFileException ? path + ": no such file" : e.getMessage()));
    }
    float[] data = new float[size];
    try {
      ImageSamples.toSample(img, shape, range, path.toString(), data, 0);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + " " + e.getMessage());
    }
    return data;
  }

  private static float[] numbers(String option, String spec, int[] shape, int size) {
    String[] parts = spec.split(",");
    if (parts.length != size) {
      throw new UsageException(
          option
              + " "
              + spec
              + ": "
              + parts.length
              + " numbers, expected "
              + size
              + " for samples of shape "
              + Arrays.toString(shape));
    }
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      try {
        data[i] = Float.parseFloat(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException(
            option + " " + spec + ": '" + parts[i].trim() + "' is not a number");
      }
      if (!Float.isFinite(data[i])) {
        throw new UsageException(option + " " + spec + ": '" + parts[i].trim() + "' is not finite");
      }
    }
    return data;
  }

  /** Human-readable shape of n items, e.g. (3, 1, 28, 28). */
  static String shapeOf(int n, int[] shape) {
    return NpyHeader.shapeString(SampleCommand.withBatch(n, shape));
  }
}
