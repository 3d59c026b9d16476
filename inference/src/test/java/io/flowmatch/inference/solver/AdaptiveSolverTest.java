package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Known answers for the adaptive solvers: Commons Math's and dopri5-batch. */
class AdaptiveSolverTest {
  private static final int N = 64;
  static final List<String> ADAPTIVE = List.of("dopri5", "dop853", "gbs", "adams", "dopri5-batch");

  static final ExactFlowField[] FIELDS = {
    new GaussianOtField(new double[] {1.5, -0.5}, new double[] {0.5, 2.0}),
    // a narrow target in one dimension, a wide one in the other
    new GaussianOtField(new double[] {1.5, -0.5}, new double[] {0.2, 3.0}),
    new RotationField(0.5, 2 * Math.PI),
    new OscillatorField(),
  };

  private static float[] start(ExactFlowField field) {
    return field instanceof OscillatorField
        ? OscillatorField.batch(N, 1, 3, 10, 40)
        : field.noise(N, 1);
  }

  /**
   * The global error in the norm the solvers control: RMS over all components of error/(atol +
   * rtol·|x|).
   */
  private static double scaledError(float[] x, double[] exact, double rtol, double atol) {
    double sum = 0;
    for (int i = 0; i < exact.length; i++) {
      double q = (x[i] - exact[i]) / (atol + rtol * Math.abs(exact[i]));
      sum += q * q;
    }
    return Math.sqrt(sum / exact.length);
  }

  static Stream<Arguments> tolerances() {
    List<Arguments> cases = new ArrayList<>();
    for (String solver : ADAPTIVE) {
      for (double tol : new double[] {1e-3, 1e-4, 1e-5}) {
        cases.add(Arguments.of(solver, tol));
      }
    }
    return cases.stream();
  }

  /**
   * Local error control keeps the global error within a few tolerances: measured at most 3.0 for
   * the Dormand–Prince pairs and GBS and 4.4 for Adams over these fields and tolerances.
   */
  @ParameterizedTest(name = "{0} at rtol = atol = {1} meets its tolerance, forward and backward")
  @MethodSource("tolerances")
  void meetsItsTolerance(String solver, double tol) {
    double bound = solver.equals("adams") ? 8 : 5;
    OdeSolver s = Solvers.create(solver, SolverSettings.adaptive(tol, tol));
    for (ExactFlowField field : FIELDS) {
      for (double[] span : new double[][] {{0, 1}, {1, 0}}) {
        float[] x = start(field);
        double[] exact = field.exact(x, N, span[0], span[1]);
        s.solve(field, x, N, span[0], span[1]);
        double error = scaledError(x, exact, tol, tol);
        assertTrue(
            error < bound,
            solver
                + " on "
                + field.getClass().getSimpleName()
                + " from "
                + span[0]
                + ": scaled error "
                + error);
      }
    }
  }

  @Test
  void tighterToleranceGivesSmallerErrorForMoreEvaluations() {
    ExactFlowField field = FIELDS[2];
    for (String solver : ADAPTIVE) {
      float[] loose = field.noise(N, 1);
      float[] tight = loose.clone();
      double[] exact = field.exact(loose, N, 0, 1);
      SolveResult looseResult =
          Solvers.create(solver, SolverSettings.adaptive(1e-3, 1e-3)).solve(field, loose, N, 0, 1);
      SolveResult tightResult =
          Solvers.create(solver, SolverSettings.adaptive(1e-6, 1e-6)).solve(field, tight, N, 0, 1);
      double looseError = ExactFlowField.maxError(loose, exact);
      double tightError = ExactFlowField.maxError(tight, exact);
      assertTrue(tightError < looseError / 50, solver + ": " + looseError + " -> " + tightError);
      assertTrue(tightResult.meanNfe() > looseResult.meanNfe(), solver);
    }
  }

  @Test
  void backwardInvertsForward() {
    ExactFlowField field = FIELDS[0];
    for (String solver : ADAPTIVE) {
      float[] x0 = field.noise(N, 4);
      float[] x = x0.clone();
      OdeSolver s = Solvers.create(solver, SolverSettings.adaptive(1e-6, 1e-6));
      s.solve(field, x, N, 0, 1);
      s.solve(field, x, N, 1, 0);
      double roundTrip = ExactFlowField.maxError(x, x0);
      assertTrue(roundTrip < 5e-5, solver + " round trip error " + roundTrip);
    }
  }

  @Test
  void commonsMathGivesEverySampleTheSameEvaluations() {
    // One RMS error over the whole batch: one step size, one NFE for all samples.
    for (String solver : List.of("dopri5", "dop853", "gbs", "adams")) {
      SolveResult r =
          Solvers.create(solver, SolverSettings.adaptive(1e-5, 1e-5))
              .solve(new OscillatorField(), OscillatorField.batch(8, 1, 40), 8, 0, 1);
      assertEquals(r.minNfe(), r.maxNfe(), solver);
      assertEquals(r.modelCalls(), r.maxNfe(), solver);
      assertEquals(-1, r.rejectedSteps(), solver + " does not report rejected steps");
      assertTrue(r.steps() > 0, solver);
    }
  }

  @Test
  void evaluationBoundStopsTheSolveWithAMessage() {
    for (String solver : List.of("dopri5", "dop853", "gbs", "adams")) {
      FlowmatchException e =
          assertThrows(
              FlowmatchException.class,
              () ->
                  Solvers.create(solver, SolverSettings.adaptive(1e-8, 1e-8).withMaxEvaluations(50))
                      .solve(new OscillatorField(), OscillatorField.batch(4, 1, 40), 4, 0, 1));
      assertEquals(ErrorKind.NUMERIC, e.kind());
      assertTrue(
          e.getMessage()
              .matches(
                  solver
                      + " exceeded 50 evaluations at t=0\\.[0-9e-]+ \\(rtol=1e-08, atol=1e-08\\)"),
          e.getMessage());
    }
    FlowmatchException batch =
        assertThrows(
            FlowmatchException.class,
            () ->
                Solvers.create(
                        "dopri5-batch", SolverSettings.adaptive(1e-8, 1e-8).withMaxEvaluations(50))
                    .solve(new OscillatorField(), OscillatorField.batch(4, 1, 40), 4, 0, 1));
    assertEquals(ErrorKind.NUMERIC, batch.kind());
    // the two samples at frequency 40 run out; those at 1 are still within the bound
    assertTrue(
        batch
            .getMessage()
            .matches(
                "dopri5-batch exceeded 50 evaluations for sample 1 \\(and 1 more\\) at t=0\\.[0-9]+"
                    + " \\(rtol=1e-08, atol=1e-08\\)"),
        batch.getMessage());
  }

  @Test
  void nonFiniteVelocityNamesTheSampleAndTheTime() {
    for (String solver : ADAPTIVE) {
      float[] x = OscillatorField.batch(8, 1, 1, 1, 1, 1, 1, 40, 1);
      x[2 * 6] = 1000;
      FlowmatchException e =
          assertThrows(
              FlowmatchException.class,
              () ->
                  Solvers.create(solver, SolverSettings.adaptive(1e-5, 1e-5))
                      .solve(TestFields.nanFor(0.9, new OscillatorField()), x, 8, 0, 1));
      assertEquals(ErrorKind.NUMERIC, e.kind());
      assertTrue(
          e.getMessage()
              .matches(
                  solver
                      + ": non-finite velocity \\(NaN or Inf\\) for sample 6 at t=0\\.9[0-9]*"
                      + " \\(1 of 8 samples\\)"),
          e.getMessage());
    }
  }

  @Test
  void stepSizeBelowTheMinimumStopsTheSolve() {
    // v = 1/(0.5 − t): the steps shrink towards t = 0.5 until they fall below 1e-8
    for (String solver : List.of("dopri5", "dop853", "adams")) {
      FlowmatchException e =
          assertThrows(
              FlowmatchException.class,
              () ->
                  Solvers.create(solver, SolverSettings.adaptive(1e-6, 1e-6))
                      .solve(TestFields.singularAtHalf(), new float[3], 3, 0, 1));
      assertEquals(ErrorKind.NUMERIC, e.kind());
      assertEquals(
          solver + ": step size fell below the minimum 1e-08 at t=0.5 (rtol=1e-06, atol=1e-06)",
          e.getMessage());
    }
    FlowmatchException batch =
        assertThrows(
            FlowmatchException.class,
            () ->
                Solvers.create("dopri5-batch", SolverSettings.adaptive(1e-6, 1e-6))
                    .solve(TestFields.singularAtHalf(), new float[3], 3, 0, 1));
    assertEquals(ErrorKind.NUMERIC, batch.kind());
    assertEquals(
        "dopri5-batch: step size for sample 0 fell below the minimum 1e-08 at t=0.5"
            + " (rtol=1e-06, atol=1e-06)",
        batch.getMessage());
    // GBS keeps shrinking its order and step and runs into the evaluation bound instead
    FlowmatchException gbs =
        assertThrows(
            FlowmatchException.class,
            () ->
                Solvers.create("gbs", SolverSettings.adaptive(1e-6, 1e-6))
                    .solve(TestFields.singularAtHalf(), new float[3], 3, 0, 1));
    assertEquals(ErrorKind.NUMERIC, gbs.kind());
    assertEquals(
        "gbs exceeded 10000 evaluations at t=0.5 (rtol=1e-06, atol=1e-06)", gbs.getMessage());
  }
}
