package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code sample} is reachable through the toolkit's root command with the same error wiring. */
class MainSampleTest {

  @Test
  void sampleIsASubcommand() {
    CliRun help = run("--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("sample"), help.out());

    CliRun sampleHelp = run("sample", "--help");
    assertEquals(0, sampleHelp.code());
    assertTrue(sampleHelp.out().contains("--save-npy"));
  }

  @Test
  void sampleErrorsAreOneLineWithExitTwo() {
    CliRun r = run("sample", "--n", "0");
    assertEquals(2, r.code());
    assertEquals("flowmatch sample: --n must be a positive integer, got 0\n", r.err());
    assertEquals("", r.out());
  }
}
