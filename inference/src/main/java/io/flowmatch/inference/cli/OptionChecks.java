package io.flowmatch.inference.cli;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks of option values that several commands share, each failing with the same one-line usage
 * error whichever command it runs in. The options themselves stay declared in each command: their
 * defaults and help differ (e.g. {@code --n} defaults to 1000 samples in sample, 2000 in compare).
 */
final class OptionChecks {
  private OptionChecks() {}

  /** A count given on the command line: null (not given) or at least 1. */
  static void positive(String option, Integer value) {
    if (value != null && value < 1) {
      throw new UsageException(option + " must be a positive integer, got " + value);
    }
  }

  /** A count or bound that always has a value: at least 1. */
  static void positive(String option, long value) {
    if (value < 1) {
      throw new UsageException(option + " must be a positive integer, got " + value);
    }
  }

  /** A count that may be 0. */
  static void nonNegative(String option, int value) {
    if (value < 0) {
      throw new UsageException(option + " must be a non-negative integer, got " + value);
    }
  }

  /**
   * A file name with the extension the command writes or reads (case-insensitive); null passes.
   *
   * @param hint appended to the message, e.g. {@code " (use --save-npy for NumPy output)"}
   */
  static void extension(String option, Path path, String extension, String hint) {
    if (path != null
        && !path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(extension)) {
      throw new UsageException(
          option + " must name a " + extension + " file, got '" + path + "'" + hint);
    }
  }

  /**
   * How many samples a command that draws them takes without an input file: {@code --n} when given,
   * else the command's default for the model's kind (image models are slower per sample).
   */
  static int sampleCount(Integer n, int[] shape, int pointsDefault, int imagesDefault) {
    return n != null ? n : Pictures.isImage(shape) ? imagesDefault : pointsDefault;
  }
}
