package io.flowmatch.inference.progress;

import io.flowmatch.inference.format.Numbers;
import java.util.Locale;

/**
 * The text of one progress report, the same for the bar and for plain lines: label, percentage,
 * count, rate, elapsed time and ETA, then any extra (a loss, a setting).
 */
public final class ProgressLine {
  private ProgressLine() {}

  /**
   * The bar's line: {@code sample 47%|#####.....| 470/1000 samples [0:38<0:43, 12.3 samples/s]}. It
   * is cut to {@code columns - 1} characters so that it never wraps (a wrapped line cannot be
   * redrawn in place); the bar shrinks first.
   *
   * @param total the count at completion, or 0 when unknown (no bar, no percentage, no ETA)
   */
  public static String bar(
      String label, long done, long total, String unit, double seconds, String extra, int columns) {
    String head = label + (total > 0 ? " " + percent(done, total) : "");
    String tail =
        " "
            + count(done, total, unit)
            + " ["
            + times(done, total, seconds, unit)
            + "]"
            + (extra == null || extra.isEmpty() ? "" : " " + extra);
    int room = columns - 1 - head.length() - tail.length() - 2;
    String line;
    if (total > 0 && room >= 10) {
      int width = Math.min(30, room);
      int full = (int) Math.min(width, Math.floor((double) width * done / total));
      line = head + "|" + "#".repeat(full) + ".".repeat(width - full) + "|" + tail;
    } else {
      line = head + tail;
    }
    return line.length() > columns - 1 ? line.substring(0, Math.max(0, columns - 1)) : line;
  }

  /**
   * A plain line for logs: {@code sample: 47% (470/1000 samples), 0:38 elapsed, ETA 0:43, 12.3
   * samples/s}.
   */
  public static String plain(
      String label, long done, long total, String unit, double seconds, String extra) {
    StringBuilder s = new StringBuilder(label).append(": ");
    if (total > 0) {
      s.append(percent(done, total).trim())
          .append(" (")
          .append(count(done, total, unit))
          .append(")");
    } else {
      s.append(count(done, total, unit));
    }
    s.append(", ").append(clock(seconds)).append(" elapsed");
    double eta = eta(done, total, seconds);
    if (eta >= 0) {
      s.append(", ETA ").append(clock(eta));
    }
    s.append(", ").append(rate(done, seconds, unit));
    if (extra != null && !extra.isEmpty()) {
      s.append(", ").append(extra);
    }
    return s.toString();
  }

  static String percent(long done, long total) {
    return String.format(
        Locale.ROOT, "%3d%%", (int) Math.floor(100.0 * Math.min(done, total) / total));
  }

  static String count(long done, long total, String unit) {
    return (total > 0 ? done + "/" + total : Long.toString(done)) + " " + unit;
  }

  static String times(long done, long total, double seconds, String unit) {
    double eta = eta(done, total, seconds);
    return clock(seconds) + (eta >= 0 ? "<" + clock(eta) : "") + ", " + rate(done, seconds, unit);
  }

  /** Seconds left at the pace so far, or -1 when it cannot be told yet (or there is no total). */
  static double eta(long done, long total, double seconds) {
    if (total <= 0 || done <= 0 || seconds <= 0) {
      return -1;
    }
    return seconds * Math.max(0, total - done) / done;
  }

  /** Units per second, or seconds per unit when slower than one a second (as tqdm shows it). */
  static String rate(long done, double seconds, String unit) {
    if (done <= 0 || seconds <= 0) {
      return "? " + unit + "/s";
    }
    double r = done / seconds;
    if (r >= 1) {
      return Numbers.fixed(r, r >= 100 ? 0 : 1) + " " + unit + "/s";
    }
    return Numbers.fixed(1 / r, 1) + " s/" + singular(unit);
  }

  private static String singular(String unit) {
    return unit.endsWith("s") && unit.length() > 1 ? unit.substring(0, unit.length() - 1) : unit;
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour. */
  public static String clock(double seconds) {
    long s = Math.round(Math.max(0, seconds));
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
