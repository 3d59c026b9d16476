package io.flowmatch.spark.cli;

import io.flowmatch.inference.error.FlowmatchException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the image set that samples are scored against lies, and how many of its images make the
 * reference (a picocli mixin of {@code spark eval} and {@code spark compare}).
 */
public final class ImageSetOptions {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Folder of the image set's IDX files (default: ${DEFAULT-VALUE}).",
      defaultValue = "/usr/share/datasets/fashion-mnist")
  Path dataDir;

  @Option(
      names = "--data-n",
      paramLabel = "M",
      description = "Reference images (default: 10000 or N if larger, at most the training set).")
  Integer dataN;

  /** Checks {@code --data-n}; call before Spark starts. */
  void check() {
    if (dataN != null && dataN < 2) {
      throw FlowmatchException.invalidArgument("--data-n must be at least 2, got " + dataN);
    }
  }

  /** {@code --data-dir}, absolute (executors resolve it in their own working folders). */
  String dataDir() {
    return dataDir.toAbsolutePath().toString();
  }

  /** {@code --data-n}, or 0 for the default. */
  int dataN() {
    return dataN == null ? 0 : dataN;
  }
}
