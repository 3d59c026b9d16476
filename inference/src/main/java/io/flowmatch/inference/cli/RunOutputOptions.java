package io.flowmatch.inference.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** What a long-running command prints besides its results: progress, summary, details. */
public final class RunOutputOptions {

  @Option(names = "--progress", description = "Always show the progress bar (default: only on a terminal).")
  boolean progress;

  @Option(names = "--quiet", description = "No summary line and no progress bar.")
  boolean quiet;

  @Option(names = "--verbose", description = "Details on stderr; stack traces on errors.")
  boolean verbose;

  /** A progress bar on stderr when one is wanted (see {@link ProgressBar#wanted}), else null. */
  ProgressBar progressBar(PrintWriter stderr, String label) {
    return ProgressBar.wanted(quiet, progress) ? new ProgressBar(stderr, label) : null;
  }
}
