package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SolversTest {

  @Test
  void namesListEveryMethodOnce() {
    assertEquals(
        List.of(
            "euler",
            "heun",
            "midpoint",
            "rk4",
            "ab2",
            "ab3",
            "dpm2m",
            "cm-euler",
            "cm-midpoint",
            "cm-rk4",
            "dopri5",
            "dop853",
            "gbs",
            "adams",
            "dopri5-batch"),
        Solvers.names());
    for (String name : Solvers.names()) {
      SolverSettings settings =
          Solvers.isAdaptive(name) ? SolverSettings.adaptive(1e-4, 1e-4) : SolverSettings.fixed(5);
      assertEquals(name, Solvers.create(name, settings).name());
    }
  }

  @Test
  void adaptiveSolversAreTheToleranceDriven() {
    for (String name : List.of("dopri5", "dop853", "gbs", "adams", "dopri5-batch")) {
      assertTrue(Solvers.isAdaptive(name), name);
    }
    for (String name :
        List.of("euler", "heun", "midpoint", "rk4", "cm-euler", "cm-midpoint", "cm-rk4", "nope")) {
      assertFalse(Solvers.isAdaptive(name), name);
    }
  }

  @Test
  void unknownSolverListsTheValidOnes() {
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class, () -> Solvers.create("rk45", SolverSettings.fixed(5)));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        "unknown solver 'rk45', expected one of: euler, heun, midpoint, rk4, ab2, ab3, dpm2m, cm-euler,"
            + " cm-midpoint, cm-rk4, dopri5, dop853, gbs, adams, dopri5-batch",
        e.getMessage());
  }

  @Test
  void badSettingsNameTheOptionAndTheValue() {
    assertMessage("--steps must be a positive integer, got 0", "heun", SolverSettings.fixed(0));
    assertMessage("--steps must be a positive integer, got -3", "cm-rk4", SolverSettings.fixed(-3));
    assertMessage(
        "--rtol must be a positive number, got 0", "dopri5", SolverSettings.adaptive(0, 1e-5));
    assertMessage(
        "--atol must be a positive number, got -1e-05",
        "dopri5-batch",
        SolverSettings.adaptive(1e-5, -1e-5));
    assertMessage(
        "--rtol must be a positive number, got NaN",
        "gbs",
        SolverSettings.adaptive(Double.NaN, 1e-5));
    assertMessage(
        "--max-evals must be a positive integer, got 0",
        "adams",
        SolverSettings.adaptive(1e-5, 1e-5).withMaxEvaluations(0));
    assertMessage(
        "unknown grid 'karras', expected one of: uniform, quadratic, edm, shift=S or times=t0,...,tK",
        "euler",
        SolverSettings.fixed(4).withGrid("karras"));
    assertMessage(
        "--grid edm applies only to euler, heun, midpoint, rk4, ab2, ab3, dpm2m; cm-rk4 steps uniformly",
        "cm-rk4",
        SolverSettings.fixed(4).withGrid("edm"));
    assertMessage(
        "--grid quadratic applies only to euler, heun, midpoint, rk4, ab2, ab3, dpm2m; dopri5 chooses its own steps",
        "dopri5",
        SolverSettings.adaptive(1e-4, 1e-4).withGrid("quadratic"));
  }

  @Test
  void settingsAFixedStepMethodDoesNotReadAreNotChecked() {
    // tolerances mean nothing to Euler, and steps nothing to dopri5
    Solvers.create("euler", new SolverSettings(10, 0, 0, 0, null));
    Solvers.create("dopri5", SolverSettings.adaptive(1e-3, 1e-3).withSteps(0));
  }

  @Test
  void defaultsAreUniformWithTenThousandEvaluations() {
    SolverSettings fixed = SolverSettings.fixed(8);
    assertEquals(8, fixed.steps());
    assertEquals("uniform", fixed.grid());
    SolverSettings adaptive = SolverSettings.adaptive(1e-3, 1e-6);
    assertEquals(1e-3, adaptive.rtol());
    assertEquals(1e-6, adaptive.atol());
    assertEquals(10_000, adaptive.maxEvaluations());
  }

  private static void assertMessage(String expected, String solver, SolverSettings settings) {
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> Solvers.create(solver, settings));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(expected, e.getMessage());
  }
}
