package io.flowmatch.inference.cli;

import io.flowmatch.inference.progress.Progress;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** What a long-running command prints besides its results: progress, summary, details. */
@HelpGroup("Progress and errors")
public final class RunOutputOptions {

  @Option(
      names = "--progress",
      description =
          "Draw the progress bar even when stderr is not a terminal (default: a bar on a"
              + " terminal, a plain line every 10 s otherwise).")
  boolean progress;

  @Option(names = "--quiet", description = "No progress and no summary line.")
  boolean quiet;

  @Option(names = "--verbose", description = "Details on stderr; stack traces on errors.")
  boolean verbose;

  /**
   * The progress of {@code total} items on stderr (a bar, plain lines, or nothing with --quiet).
   */
  Progress progress(PrintWriter stderr, String label, long total, String unit) {
    return Progress.open(stderr, label, total, unit, quiet, progress);
  }
}
