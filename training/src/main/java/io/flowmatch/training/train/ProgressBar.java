package io.flowmatch.training.train;

import java.io.PrintWriter;
import java.util.Locale;

/** One status line on stderr, redrawn at most a few times a second: step, loss, it/s, ETA. */
final class ProgressBar {
  private static final long REDRAW_NANOS = 250_000_000L;
  private static final int WIDTH = 24;

  private final PrintWriter err;
  private final long total;
  private long lastDraw;
  private boolean drawn;

  ProgressBar(PrintWriter err, long total) {
    this.err = err;
    this.total = total;
  }

  void update(long step, double loss, double itPerSecond, double lossScale, boolean force) {
    long now = System.nanoTime();
    if (!force && now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    int filled = (int) (WIDTH * step / Math.max(1, total));
    StringBuilder bar = new StringBuilder();
    for (int i = 0; i < WIDTH; i++) {
      bar.append(i < filled ? '#' : '.');
    }
    double eta = itPerSecond > 0 ? (total - step) / itPerSecond : 0;
    String scale = lossScale != 1.0 ? String.format(Locale.ROOT, " scale %.0f", lossScale) : "";
    err.print(
        String.format(
            Locale.ROOT,
            "\rtrain [%s] %d/%d loss %.4f %.1f it/s ETA %s%s   ",
            bar, step, total, loss, itPerSecond, clock(eta), scale));
    err.flush();
    drawn = true;
  }

  void finish() {
    if (drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
