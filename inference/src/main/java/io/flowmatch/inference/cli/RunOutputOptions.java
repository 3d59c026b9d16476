package io.flowmatch.inference.cli;

import io.flowmatch.inference.progress.Progress;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * What a long-running command prints besides its results: progress, summary, details. {@link
 * #QUIET_HELP} is the one meaning of {@code --quiet} in every command (inference, training and
 * spark), shared by every mixin that declares it.
 */
@HelpGroup("Progress and errors")
public final class RunOutputOptions {
  /**
   * What {@code --quiet} means in every command: no progress and no informational lines; warnings
   * and errors still go to stderr; a command whose job is to print results still prints exactly
   * those on stdout.
   */
  public static final String QUIET_HELP =
      "No progress and no informational lines (start lines, \"wrote …\", summaries, notes);"
          + " warnings and errors still go to stderr, and a command whose job is to print results"
          + " (scores, tables, figures) still prints exactly those on stdout.";

  @Option(
      names = "--progress",
      description =
          "Draw the progress bar even when stderr is not a terminal (default: a bar on a"
              + " terminal, a plain line every 10 s otherwise).")
  boolean progress;

  @Option(names = "--quiet", description = QUIET_HELP)
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
