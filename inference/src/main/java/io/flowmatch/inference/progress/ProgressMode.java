package io.flowmatch.inference.progress;

/** How a command shows its progress on stderr. */
public enum ProgressMode {
  /** One line redrawn in place (stderr is a terminal, or {@code --progress}). */
  BAR,
  /** A plain line every few seconds (stderr is a pipe or a file). */
  LINES,
  /** Nothing ({@code --quiet}). */
  OFF;

  /** {@code --quiet} wins; {@code --progress} asks for the bar; else the bar only on a terminal. */
  public static ProgressMode choose(boolean quiet, boolean forceBar, boolean terminal) {
    if (quiet) {
      return OFF;
    }
    return forceBar || terminal ? BAR : LINES;
  }
}
