package io.flowmatch.training.train;

import io.flowmatch.inference.format.Numbers;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code log.csv}: one row per step, {@code
 * step,loss,lr,loss_scale,samples_per_s,skipped,elapsed_s,utc}. Losses are written with {@link
 * Float#toString} so they read back bit for bit. {@code elapsed_s} is the run's wall-clock seconds
 * since its first step, summed over resumed sessions (the time between sessions is not counted);
 * {@code utc} is the time the row was written (ISO 8601). The wall-clock columns come last, so
 * readers of the first six columns are unaffected. On resume, rows past the checkpoint's step
 * (written after the last checkpoint by the interrupted run) are dropped, and rows of a log written
 * before the wall-clock columns get them empty.
 */
public final class TrainLog implements Closeable {
  public static final String HEADER = "step,loss,lr,loss_scale,samples_per_s,skipped,elapsed_s,utc";

  private static final int COLUMNS = HEADER.split(",").length;

  private final BufferedWriter out;
  private final java.time.Clock clock;
  private final long startNanos;
  private final double elapsedBefore;

  private TrainLog(BufferedWriter out, double elapsedBefore, java.time.Clock clock) {
    this.out = out;
    this.clock = clock;
    this.startNanos = System.nanoTime();
    this.elapsedBefore = elapsedBefore;
  }

  /** Opens the log, keeping rows up to {@code keepThroughStep} (0: start a new log). */
  public static TrainLog open(Path file, long keepThroughStep) throws IOException {
    return open(file, keepThroughStep, java.time.Clock.systemUTC());
  }

  /** As {@link #open(Path, long)}, with the clock of the {@code utc} column (tests fix it). */
  static TrainLog open(Path file, long keepThroughStep, java.time.Clock clock) throws IOException {
    List<String> kept = new ArrayList<>();
    kept.add(HEADER);
    double elapsed = 0;
    if (keepThroughStep > 0 && Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isEmpty() || line.startsWith("step")) {
          continue;
        }
        int comma = line.indexOf(',');
        try {
          if (comma > 0 && Long.parseLong(line.substring(0, comma)) <= keepThroughStep) {
            String[] f = line.split(",", -1);
            if (f.length < COLUMNS) {
              line = line + ",".repeat(COLUMNS - f.length); // a log from before elapsed_s
            } else if (!f[6].isEmpty()) {
              elapsed = Double.parseDouble(f[6]);
            }
            kept.add(line);
          }
        } catch (NumberFormatException e) {
          // a row cut off by a crash: drop it
        }
      }
    }
    io.flowmatch.inference.io.AtomicFile.writeString(file, String.join("\n", kept) + "\n");
    return new TrainLog(
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND),
        elapsed,
        clock);
  }

  public void append(
      long step, float loss, double lr, double lossScale, double samplesPerSecond, boolean skipped)
      throws IOException {
    out.write(
        step
            + ","
            + loss
            + ","
            + (float) lr
            + ","
            + lossScale
            + ","
            + Numbers.fixed(samplesPerSecond, 1)
            + ","
            + (skipped ? 1 : 0)
            + ","
            + Numbers.fixed(elapsedBefore + (System.nanoTime() - startNanos) / 1e9, 3)
            + ","
            + java.time.Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    out.newLine();
  }

  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** Reads the losses of a log, indexed by row (for tests and reports). */
  public static List<float[]> readLosses(Path file) throws IOException {
    List<float[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isEmpty() || line.startsWith("step")) {
        continue;
      }
      String[] f = line.split(",");
      rows.add(new float[] {Long.parseLong(f[0]), Float.parseFloat(f[1])});
    }
    return rows;
  }
}
