package io.flowmatch.inference.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** "Did you mean": the nearest names by edit distance, on the error's one line. */
class SuggestionTest {
  @Test
  void editDistanceCountsASwapAsOneEdit() {
    assertEquals(0, Cli.editDistance("sample", "sample"));
    assertEquals(1, Cli.editDistance("sampel", "sample"));
    assertEquals(1, Cli.editDistance("--stesp", "--steps"));
    assertEquals(4, Cli.editDistance("--stesp", "--strict"));
    assertEquals(6, Cli.editDistance("", "sample"));
  }

  @Test
  void theInferenceEntryPointSuggestsToo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        InferenceMain.run(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            "evl",
            "--n",
            "3");
    assertEquals(2, code);
    assertEquals(
        "flowmatch: unmatched arguments from index 0: 'evl', '--n', '3'; did you mean eval?"
            + " (try 'flowmatch --help')",
        err.toString(StandardCharsets.UTF_8).strip());
  }
}
