package io.flowmatch.cli;

import io.flowmatch.inference.cli.HelpGroup;
import io.flowmatch.inference.progress.Progress;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * Progress and errors of the training module's long commands ({@code train}, {@code
 * train-classifier}, {@code bench}; a picocli mixin). Their {@code --quiet} silences the progress
 * only: what they measure (losses, accuracies, throughput tables) is their result and still prints.
 */
@HelpGroup("Progress and errors")
final class TrainingOutputOptions {
  @Option(
      names = "--quiet",
      description = "No progress on stderr (the results still print on stdout).")
  boolean quiet;

  @Option(
      names = "--progress",
      description =
          "Draw the progress bar even when stderr is not a terminal (default: a bar on a"
              + " terminal, a plain line every 10 s otherwise).")
  boolean progress;

  @Option(names = "--verbose", description = "stack traces on errors")
  boolean verbose;

  /** The progress of {@code total} items on {@code err}: a bar, plain lines, or none (--quiet). */
  Progress progress(PrintWriter err, String label, long total, String unit) {
    return Progress.open(err, label, total, unit, quiet, progress);
  }
}
