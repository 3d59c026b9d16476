package io.flowmatch.inference.cli;

import io.flowmatch.inference.sampling.Numbers;
import io.flowmatch.inference.sampling.Sampler;
import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn in place with a carriage return:
 * {@code sample [##########··········]  50%  2.1 s, about 2.1 s left}.
 *
 * <p>Quiet for short runs: nothing is drawn before {@link #DELAY_NANOS}, and redraws are at most
 * ten a second. {@link #close()} ends the line if anything was drawn.
 */
public final class ProgressBar implements Sampler.Progress, AutoCloseable {
  static final long DELAY_NANOS = 1_000_000_000L;
  static final long INTERVAL_NANOS = 100_000_000L;
  static final int WIDTH = 30;

  private final PrintWriter err;
  private final String label;
  private final long start = System.nanoTime();
  private long lastDraw;
  private boolean drawn;
  private boolean closed;
  private double fraction;

  /** Shown when asked for, or on a terminal; never with --quiet. */
  static boolean wanted(boolean quiet, boolean asked) {
    return !quiet && (asked || System.console() != null);
  }

  public ProgressBar(PrintWriter err, String label) {
    this.err = err;
    this.label = label;
  }

  @Override
  public void update(double f) {
    fraction = Math.max(fraction, Math.min(1, f));
    long now = System.nanoTime();
    if (closed || now - start < DELAY_NANOS || now - lastDraw < INTERVAL_NANOS) {
      return;
    }
    lastDraw = now;
    drawn = true;
    err.print("\r" + render(label, fraction, (now - start) / 1e9));
    err.flush();
  }

  /** Ends the line if a bar was drawn; later calls do nothing. */
  @Override
  public void close() {
    if (drawn) {
      drawn = false;
      closed = true;
      err.print("\r" + render(label, fraction, (System.nanoTime() - start) / 1e9) + "\n");
      err.flush();
    }
  }

  /** The line for a fraction done after {@code seconds}; the estimate assumes a steady pace. */
  static String render(String label, double fraction, double seconds) {
    int full = (int) Math.floor(fraction * WIDTH);
    StringBuilder bar = new StringBuilder(label).append(" [");
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < full ? '#' : '.');
    }
    bar.append("] ").append(String.format(java.util.Locale.ROOT, "%3d%%", (int) Math.floor(fraction * 100)));
    bar.append("  ").append(Numbers.fixed(seconds, 1)).append(" s");
    if (fraction > 0 && fraction < 1) {
      bar.append(", about ").append(Numbers.fixed(seconds * (1 - fraction) / fraction, 1)).append(" s left");
    } else {
      bar.append("               "); // wipe the end of a longer previous line
    }
    return bar.toString();
  }
}
