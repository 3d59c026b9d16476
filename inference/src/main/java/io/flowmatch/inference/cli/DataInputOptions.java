package io.flowmatch.inference.cli;

import io.flowmatch.inference.plot.ValueRange;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The data a command starts from at t = 1 (a picocli mixin of {@code encode} and {@code
 * likelihood}): items named with {@code --input} ({@link Items}: .npy rows, image files, numbers)
 * or Fashion-MNIST/MNIST test images picked with {@code --test-index} ({@link TestImages}), both
 * checked against the model's sample shape where they are read.
 */
final class DataInputOptions {
  @Option(
      names = "--input",
      paramLabel = "ITEM",
      arity = "1..*",
      description =
          "Data (or --test-index): a .npy of shape [N, ...data shape] (FILE.npy:ROW for one row), image files"
              + " (.png, .jpg; image models, pixels mapped onto flowmatch.data_range), or numbers such as 1.5,-2.")
  List<String> input;

  @Option(
      names = "--test-index",
      paramLabel = "I",
      split = ",",
      description =
          "Instead of --input: test-set images by index, e.g. 0,7,42 (image models; the file"
              + " "
              + TestImages.TEST_FILE
              + "(.gz) of the model's data set).")
  List<Integer> testIndex;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Folder of the IDX files of the test images (default: /usr/share/datasets/fashion-mnist,"
              + " or /usr/share/datasets/mnist for MNIST models).")
  Path dataDir;

  /** Exactly one of --input and --test-index; --data-dir only with test images. */
  void check() {
    if ((input == null) == (testIndex == null)) {
      throw new UsageException(
          input == null
              ? "give --input ITEM... or --test-index I,J,..."
              : "give --input or --test-index, not both");
    }
    if (dataDir != null && testIndex == null) {
      throw new UsageException("--data-dir is for --test-index");
    }
  }

  /**
   * {@link #check()} for a command that also takes the first N test images ({@code --test-set N},
   * null where not given): exactly one of the three.
   */
  void check(Integer testSet) {
    int sources = (input != null ? 1 : 0) + (testIndex != null ? 1 : 0) + (testSet != null ? 1 : 0);
    if (sources != 1) {
      throw new UsageException(
          sources == 0
              ? "give --input ITEM..., --test-index I,J,... or --test-set N"
              : "give one of --input, --test-index and --test-set");
    }
    OptionChecks.positive("--test-set", testSet);
    if (dataDir != null && input != null) {
      throw new UsageException("--data-dir is for --test-index and --test-set");
    }
  }

  /** Whether the data are test images (--test-index, or the command's --test-set). */
  boolean images() {
    return input == null;
  }

  /**
   * The one .npy file that --input names whole (a command may stream its rows rather than read them
   * all), or null.
   */
  Path singleNpy() {
    return input != null
            && input.size() == 1
            && input.get(0).toLowerCase(Locale.ROOT).endsWith(".npy")
        ? Path.of(input.get(0))
        : null;
  }

  /**
   * Reads the data: the --input items, or the test images at {@code indices} (--test-index where
   * null), as [N, ...shape] floats in the model's data range.
   */
  float[] read(int[] shape, Map<String, String> metadata, ValueRange range, List<Integer> indices) {
    if (input != null) {
      return Items.read("--input", input, shape, range);
    }
    return TestImages.read(indices != null ? indices : testIndex, dataDir, shape, metadata, range);
  }

  /** Names the data in a message: the first --input item, or the test images. */
  String describe() {
    return input != null ? "--input " + input.get(0) : "--test-index images";
  }
}
