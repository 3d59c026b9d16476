package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void rendersFractionElapsedAndEstimate() {
    assertEquals("sample [###############...............]  50%  2.0 s, about 2.0 s left",
        ProgressBar.render("sample", 0.5, 2.0));
    assertEquals("sample [##############################] 100%  4.0 s               ",
        ProgressBar.render("sample", 1.0, 4.0));
    assertEquals("sample [#.............................]   3%  1.0 s, about 29.0 s left",
        ProgressBar.render("sample", 1.0 / 30, 1.0));
  }

  @Test
  void shortRunsDrawNothing() {
    StringWriter s = new StringWriter();
    try (ProgressBar bar = new ProgressBar(new PrintWriter(s), "sample")) {
      bar.update(0.5);
      bar.update(1);
    }
    assertEquals("", s.toString());
  }
}
