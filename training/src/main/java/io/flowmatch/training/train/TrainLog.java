package io.flowmatch.training.train;

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
 * {@code log.csv}: one row per step, {@code step,loss,lr,loss_scale,samples_per_s,skipped}. Losses
 * are written with {@link Float#toString} so they read back bit for bit. On resume, rows past the
 * checkpoint's step (written after the last checkpoint by the interrupted run) are dropped.
 */
public final class TrainLog implements Closeable {
  public static final String HEADER = "step,loss,lr,loss_scale,samples_per_s,skipped";

  private final BufferedWriter out;

  private TrainLog(BufferedWriter out) {
    this.out = out;
  }

  /** Opens the log, keeping rows up to {@code keepThroughStep} (0: start a new log). */
  public static TrainLog open(Path file, long keepThroughStep) throws IOException {
    List<String> kept = new ArrayList<>();
    kept.add(HEADER);
    if (keepThroughStep > 0 && Files.exists(file)) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isEmpty() || line.startsWith("step")) {
          continue;
        }
        int comma = line.indexOf(',');
        try {
          if (comma > 0 && Long.parseLong(line.substring(0, comma)) <= keepThroughStep) {
            kept.add(line);
          }
        } catch (NumberFormatException e) {
          // a row cut off by a crash: drop it
        }
      }
    }
    io.flowmatch.inference.io.AtomicFile.writeString(file, String.join("\n", kept) + "\n");
    return new TrainLog(
        Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
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
            + String.format(java.util.Locale.ROOT, "%.1f", samplesPerSecond)
            + ","
            + (skipped ? 1 : 0));
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
