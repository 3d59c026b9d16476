package io.flowmatch.training.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** log.csv's wall-clock columns, and a resumed log written before they existed. */
class TrainLogTest {
  @TempDir Path tmp;

  private static final Clock NOON =
      Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void resumeKeepsRowsThroughTheCheckpointAndContinuesTheElapsedTime() throws Exception {
    Path file = tmp.resolve("log.csv");
    Files.writeString(
        file,
        TrainLog.HEADER
            + "\n1,0.5,1.0E-3,1.0,10.0,0,100.000,2026-11-30T11:00:00Z"
            + "\n2,0.4,1.0E-3,1.0,10.0,0,200.000,2026-11-30T11:00:01Z"
            + "\n3,0.3,1.0E-3,1.0,10.0,0,300.000,2026-11-30T11:00:02Z\n");
    try (TrainLog log = TrainLog.open(file, 2, NOON)) {
      log.append(3, 0.25f, 1e-3, 1.0, 10.0, false);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(4, lines.size());
    assertEquals("2,0.4,1.0E-3,1.0,10.0,0,200.000,2026-11-30T11:00:01Z", lines.get(2));
    String[] last = lines.get(3).split(",");
    assertEquals("3", last[0]);
    assertEquals("0.25", last[1]);
    double elapsed = Double.parseDouble(last[6]);
    // 200 s before the resume, plus the few milliseconds of this test
    assertEquals(200.0, elapsed, 5.0);
    assertEquals("2026-11-30T12:00:00Z", last[7]);
  }

  @Test
  void aLogFromBeforeTheWallClockColumnsGetsThemEmpty() throws Exception {
    Path file = tmp.resolve("old.csv");
    Files.writeString(
        file,
        "step,loss,lr,loss_scale,samples_per_s,skipped\n1,0.5,1.0E-3,1.0,10.0,0\n2,0.4,1.0E-3,1.0,10.0,0\n");
    try (TrainLog log = TrainLog.open(file, 2, NOON)) {
      log.append(3, 0.25f, 1e-3, 1.0, 10.0, false);
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(TrainLog.HEADER, lines.get(0));
    assertEquals("1,0.5,1.0E-3,1.0,10.0,0,,", lines.get(1));
    assertEquals(8, lines.get(3).split(",", -1).length);
    assertEquals(3, TrainLog.readLosses(file).size());
  }
}
