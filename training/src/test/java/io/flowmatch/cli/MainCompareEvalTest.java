package io.flowmatch.cli;

import static io.flowmatch.cli.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code compare} and {@code eval} are reachable through the toolkit's root command. */
class MainCompareEvalTest {

  @Test
  void bothAreSubcommandsWithHelp() {
    CliRun root = run("--help");
    assertEquals(0, root.code());
    assertTrue(root.out().contains("compare") && root.out().contains("eval"), root.out());
    CliRun compare = run("compare", "--help");
    assertEquals(0, compare.code());
    assertTrue(
        compare.out().contains("--solvers") && compare.out().contains("--reference-tol"),
        compare.out());
    CliRun eval = run("eval", "--help");
    assertEquals(0, eval.code());
    assertTrue(eval.out().contains("--samples") && eval.out().contains("--classifier"), eval.out());
  }

  @Test
  void errorsAreOneLineWithExitTwo() {
    CliRun compare = run("compare", "--solvers", "euler:0");
    assertEquals(2, compare.code());
    assertEquals(
        "flowmatch compare: --solvers: step count '0' of euler at character 7 must be a positive integer\n",
        compare.err());
    CliRun eval = run("eval", "--n", "-1");
    assertEquals(2, eval.code());
    assertEquals("flowmatch eval: --n must be a positive integer, got -1\n", eval.err());
  }
}
