package io.flowmatch.inference.progress;

import java.io.PrintWriter;

/**
 * The one progress report of every long command. On a terminal it redraws one line in place ({@code
 * \r}, the line, then erase-to-end-of-line so a shorter line leaves nothing behind); on a pipe it
 * prints a plain line every {@link Timing#linesEvery} seconds; with {@code --quiet} nothing.
 *
 * <p>Nothing is shown before {@link Timing#delay}, so short runs stay silent. A bar still on screen
 * when the JVM exits (Ctrl-C) has its line ended by a shutdown hook. Thread-safe.
 */
public final class Progress implements AutoCloseable {
  /** Delays of the reports, in seconds. */
  public record Timing(double delay, double barEvery, double linesEvery) {
    /** 1 s of silence, then the bar ten times a second or a line every 10 s. */
    public static final Timing DEFAULT = new Timing(1, 0.1, 10);

    /**
     * {@link #DEFAULT}, or every report when the system property {@code flowmatch.progress.every}
     * is {@code 0} (the CLI tests use it to see lines from runs shorter than a second).
     */
    public static Timing fromSystem() {
      String every = System.getProperty("flowmatch.progress.every");
      if (every != null) {
        double s = Double.parseDouble(every);
        return new Timing(s, s, s);
      }
      return DEFAULT;
    }
  }

  /** A progress that shows nothing. */
  public static Progress none() {
    return new Progress(null, "", 0, "", ProgressMode.OFF, Timing.DEFAULT, 80, true);
  }

  private final PrintWriter err;
  private final String label;
  private final String unit;
  private final ProgressMode mode;
  private final Timing timing;
  private final int columns;
  private final boolean ansi;
  private final long start = System.nanoTime();
  private long total;
  private long done;
  private String extra = "";
  private long lastShown = Long.MIN_VALUE;
  private boolean barOnScreen;
  private boolean anyLine;
  // the count and text of the last plain line, so close() does not print the same line again
  private long lineDone = -1;
  private String lineExtra = "";
  private int lastLength;
  private boolean closed;
  private Thread hook;

  Progress(
      PrintWriter err,
      String label,
      long total,
      String unit,
      ProgressMode mode,
      Timing timing,
      int columns,
      boolean ansi) {
    this.err = err;
    this.label = label;
    this.total = total;
    this.unit = unit;
    this.mode = mode;
    this.timing = timing;
    this.columns = columns;
    this.ansi = ansi;
  }

  /**
   * A progress on {@code err}: the bar when {@code err} is a terminal (see {@link Terminal}) or
   * {@code forceBar}, plain lines otherwise, nothing when {@code quiet}.
   *
   * @param total the count at completion (0 when unknown)
   * @param unit what is counted, plural ("samples", "steps", "batches")
   */
  public static Progress open(
      PrintWriter err, String label, long total, String unit, boolean quiet, boolean forceBar) {
    ProgressMode mode = ProgressMode.choose(quiet, forceBar, Terminal.isTerminal(err));
    return new Progress(
        err, label, total, unit, mode, Timing.fromSystem(), Terminal.columns(), Terminal.ansi());
  }

  /** For tests of the drawing: a given mode, timing, width and terminal kind. */
  static Progress forTest(
      PrintWriter err,
      String label,
      long total,
      String unit,
      ProgressMode mode,
      Timing timing,
      int columns,
      boolean ansi) {
    return new Progress(err, label, total, unit, mode, timing, columns, ansi);
  }

  public ProgressMode mode() {
    return mode;
  }

  /** Sets the count done so far. */
  public synchronized void update(long count) {
    done = Math.max(0, count);
    show(false);
  }

  /** Sets the count done and a short text shown after the figures (a loss, say). */
  public synchronized void update(long count, String text) {
    extra = text == null ? "" : text;
    update(count);
  }

  /** Sets the fraction done, for library callbacks that report fractions (Sampler.Progress). */
  public synchronized void fraction(double f) {
    long t = total > 0 ? total : 1000;
    update(Math.round(Math.max(0, Math.min(1, f)) * t));
  }

  /** Changes the total (a phase that learns its size late). */
  public synchronized void total(long count) {
    total = count;
  }

  private void show(boolean last) {
    if (mode == ProgressMode.OFF || closed) {
      return;
    }
    long now = System.nanoTime();
    double seconds = (now - start) / 1e9;
    if (last && mode == ProgressMode.LINES && done == lineDone && extra.equals(lineExtra)) {
      return; // the final state is already the last line printed
    }
    if (!last) {
      double every = mode == ProgressMode.BAR ? timing.barEvery() : timing.linesEvery();
      if (seconds < timing.delay()
          || (lastShown != Long.MIN_VALUE && (now - lastShown) / 1e9 < every)) {
        return;
      }
    }
    lastShown = now;
    if (mode == ProgressMode.BAR) {
      String line = ProgressLine.bar(label, done, total, unit, seconds, extra, columns);
      err.print(redraw(line));
      if (!barOnScreen) {
        barOnScreen = true;
        addHook();
      }
    } else {
      err.println(ProgressLine.plain(label, done, total, unit, seconds, extra));
      anyLine = true;
      lineDone = done;
      lineExtra = extra;
    }
    err.flush();
  }

  /** {@code \r}, the line, then what wipes the rest of a longer previous line. */
  String redraw(String line) {
    String wipe;
    if (ansi) {
      wipe = "\u001b[K";
    } else {
      wipe = " ".repeat(Math.max(0, lastLength - line.length()));
    }
    lastLength = line.length();
    return "\r" + line + wipe;
  }

  /**
   * Ends the report: the bar is drawn once more at its final count and its line ended; plain lines
   * get a final line if any was printed and the last one did not already show the final count and
   * text. Later calls do nothing.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    if (barOnScreen || anyLine) {
      show(true);
    }
    closed = true;
    if (barOnScreen) {
      err.println();
      err.flush();
      barOnScreen = false;
    }
    removeHook();
  }

  private void addHook() {
    hook = new Thread(this::endLineAtExit, "flowmatch-progress-exit");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
    } catch (IllegalStateException e) {
      hook = null; // already shutting down
    }
  }

  private void removeHook() {
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs and finds the bar closed
      }
      hook = null;
    }
  }

  /** At exit (Ctrl-C) with the bar on screen: end its line so the shell prompt starts clean. */
  private void endLineAtExit() {
    synchronized (this) {
      if (barOnScreen && !closed) {
        err.println();
        err.flush();
        barOnScreen = false;
      }
    }
  }
}
