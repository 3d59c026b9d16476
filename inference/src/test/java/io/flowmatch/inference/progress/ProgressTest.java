package io.flowmatch.inference.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress report's text and its drawing, read back through a small terminal emulator. */
class ProgressTest {
  /** Reports at every update: no delays, so the tests see every redraw. */
  static final Progress.Timing EVERY = new Progress.Timing(0, 0, 0);

  /**
   * What a terminal shows after {@code text}: {@code \r} moves to column 0, {@code ESC[K} erases to
   * the end of the line, {@code \n} starts a new line, other characters overwrite the cell under
   * the cursor. Trailing blanks are dropped (they are invisible).
   */
  static List<String> screen(String text) {
    List<StringBuilder> lines = new ArrayList<>();
    lines.add(new StringBuilder());
    int col = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      StringBuilder line = lines.get(lines.size() - 1);
      if (c == '\r') {
        col = 0;
      } else if (c == '\n') {
        lines.add(new StringBuilder());
        col = 0;
      } else if (c == '\u001b') {
        assertTrue(text.startsWith("\u001b[K", i), "only erase-in-line is expected at " + i);
        line.setLength(Math.min(line.length(), col));
        i += 2;
      } else {
        while (line.length() <= col) {
          line.append(' ');
        }
        line.setCharAt(col++, c);
      }
    }
    List<String> out = new ArrayList<>();
    for (StringBuilder b : lines) {
      out.add(b.toString().stripTrailing());
    }
    return out;
  }

  @Test
  void barTextHasPercentCountRateAndEta() {
    assertEquals(
        "sample  50%|###############...............| 500/1000 samples [0:10<0:10, 50.0 samples/s]",
        ProgressLine.bar("sample", 500, 1000, "samples", 10, "", 120));
    assertEquals(
        "train  25%|#######.......................| 25/100 steps [1:40<5:00, 4.0 s/step] loss 0.5000",
        ProgressLine.bar("train", 25, 100, "steps", 100, "loss 0.5000", 120));
    // unknown total: count and rate only
    assertEquals(
        "bench 7 solves [0:02, 3.5 solves/s]",
        ProgressLine.bar("bench", 7, 0, "solves", 2, "", 80));
  }

  @Test
  void barNeverWrapsANarrowTerminal() {
    for (int columns : new int[] {20, 40, 60, 80}) {
      String line = ProgressLine.bar("sample", 123, 1000, "samples", 3.2, "heun:10", columns);
      assertTrue(line.length() <= columns - 1, columns + ": " + line);
    }
    // the bar shrinks before anything else goes
    assertTrue(ProgressLine.bar("sample", 1, 2, "samples", 1, "", 80).contains("|#"));
    assertFalse(ProgressLine.bar("sample", 1, 2, "samples", 1, "", 50).contains("|#"));
  }

  @Test
  void plainLineForLogs() {
    assertEquals(
        "eval: 40% (400/1000 samples), 0:04 elapsed, ETA 0:06, 100 samples/s",
        ProgressLine.plain("eval", 400, 1000, "samples", 4, ""));
    assertEquals(
        "compare: 1/3 settings, 1:05 elapsed, ETA 2:10, 65.0 s/setting, euler:10"
            .replace("1/3 settings", "33% (1/3 settings)"),
        ProgressLine.plain("compare", 1, 3, "settings", 65, "euler:10"));
    assertEquals("1:01:01", ProgressLine.clock(3661));
  }

  /** A long line, then a shorter one: the terminal must show exactly the shorter one. */
  private static void shorterLineLeavesNothing(boolean ansi) {
    StringWriter s = new StringWriter();
    Progress p =
        Progress.forTest(
            new PrintWriter(s), "sample", 1000, "samples", ProgressMode.BAR, EVERY, 200, ansi);
    p.update(10, "a rather long extra text that makes this line long");
    p.update(20, "x");
    List<String> shown = screen(s.toString());
    assertEquals(1, shown.size(), s.toString());
    String last = shown.get(0);
    assertTrue(last.startsWith("sample   2%|"), last);
    assertTrue(
        last.endsWith("samples/s] x"), "stray characters after the shorter line: '" + last + "'");
    p.close();
    shown = screen(s.toString());
    assertEquals(2, shown.size(), "close ends the line");
    assertEquals("", shown.get(1));
    assertTrue(shown.get(0).endsWith("] x"), shown.get(0));
  }

  @Test
  void shorterLineLeavesNoStrayCharactersWithAnsiErase() {
    shorterLineLeavesNothing(true);
  }

  @Test
  void shorterLineLeavesNoStrayCharactersOnADumbTerminal() {
    shorterLineLeavesNothing(false);
  }

  @Test
  void plainLinesHaveNoCarriageReturn() {
    StringWriter s = new StringWriter();
    try (Progress p =
        Progress.forTest(
            new PrintWriter(s), "eval", 4, "samples", ProgressMode.LINES, EVERY, 80, true)) {
      for (int i = 1; i <= 4; i++) {
        p.update(i);
      }
    }
    String text = s.toString();
    assertFalse(text.contains("\r") || text.contains("\u001b"), text);
    String[] lines = text.split("\n");
    // four updates; the last already shows 100 %, so closing adds no second copy of it
    assertEquals(4, lines.length, text);
    assertTrue(lines[0].startsWith("eval: 25% (1/4 samples), 0:00 elapsed"), lines[0]);
    assertTrue(lines[3].startsWith("eval: 100% (4/4 samples)"), lines[3]);
  }

  @Test
  void closingPrintsTheFinalLineWhenTheLastOneShownWasEarlier() {
    StringWriter s = new StringWriter();
    // lines at most every 1000 s: only the first update is printed before close
    Progress.Timing slow = new Progress.Timing(0, 0, 1000);
    try (Progress p =
        Progress.forTest(
            new PrintWriter(s), "eval", 4, "samples", ProgressMode.LINES, slow, 80, true)) {
      for (int i = 1; i <= 4; i++) {
        p.update(i);
      }
    }
    String[] lines = s.toString().split("\n");
    assertEquals(2, lines.length, s.toString());
    assertTrue(lines[0].startsWith("eval: 25% (1/4 samples)"), lines[0]);
    assertTrue(lines[1].startsWith("eval: 100% (4/4 samples)"), lines[1]);
  }

  @Test
  void quietShowsNothingAndShortRunsStaySilent() {
    StringWriter s = new StringWriter();
    try (Progress p =
        Progress.forTest(new PrintWriter(s), "x", 10, "items", ProgressMode.OFF, EVERY, 80, true)) {
      p.update(5);
    }
    assertEquals("", s.toString());
    // the default delay: a run that ends within a second prints nothing at all
    try (Progress p =
        Progress.forTest(
            new PrintWriter(s),
            "x",
            10,
            "items",
            ProgressMode.BAR,
            Progress.Timing.DEFAULT,
            80,
            true)) {
      p.update(5);
    }
    assertEquals("", s.toString());
  }

  @Test
  void modeFollowsTheStreamNotTheConsole() {
    assertEquals(ProgressMode.OFF, ProgressMode.choose(true, true, true));
    assertEquals(ProgressMode.BAR, ProgressMode.choose(false, false, true));
    assertEquals(ProgressMode.LINES, ProgressMode.choose(false, false, false));
    assertEquals(ProgressMode.BAR, ProgressMode.choose(false, true, false));
    // a writer that is not the process's stderr is never a terminal
    assertFalse(Terminal.isTerminal(new PrintWriter(new StringWriter())));
    assertTrue(Terminal.isTerminal(new Terminal.Stderr(new StringWriter(), true)));
    assertEquals(
        ProgressMode.LINES,
        Progress.open(new PrintWriter(new StringWriter()), "x", 1, "items", false, false).mode());
  }
}
