package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code sample} is reachable through the toolkit's root command with the same error wiring. */
class MainSampleTest {

  @Test
  void sampleIsASubcommand() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true), new PrintStream(err, true), "--help");
    assertEquals(0, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("sample"), out.toString(StandardCharsets.UTF_8));

    out.reset();
    code = Main.run(new PrintStream(out, true), new PrintStream(err, true), "sample", "--help");
    assertEquals(0, code);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("--save-npy"));
  }

  @Test
  void sampleErrorsAreOneLineWithExitTwo() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new PrintStream(out, true), new PrintStream(err, true), "sample", "--n", "0");
    assertEquals(2, code);
    assertEquals("flowmatch sample: --n must be a positive integer, got 0\n", err.toString(StandardCharsets.UTF_8));
    assertEquals("", out.toString(StandardCharsets.UTF_8));
  }
}
