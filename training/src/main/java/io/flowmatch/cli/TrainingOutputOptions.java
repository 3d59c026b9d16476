package io.flowmatch.cli;

import io.flowmatch.inference.cli.HelpGroup;
import io.flowmatch.inference.cli.RunOutputOptions;
import io.flowmatch.inference.progress.Progress;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * Progress and errors of the training module's long commands ({@code train}, {@code
 * train-classifier}, {@code bench}; a picocli mixin). Their {@code --quiet} has the one meaning of
 * every command ({@link RunOutputOptions#QUIET_HELP}): no progress and no informational lines; what
 * they measure (the final loss, the test accuracies, the throughput tables) is their result and
 * still prints.
 */
@HelpGroup("Progress and errors")
final class TrainingOutputOptions {
  @Option(names = "--quiet", description = RunOutputOptions.QUIET_HELP)
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
