package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** Known answers for the fixed-step methods, hand-written and Commons Math. */
class FixedStepSolverTest {
  private static final int N = 64;

  /** Gaussian target N(μ, s²) under the OT path: smooth, with time-dependent coefficients. */
  static final GaussianOtField GAUSSIAN =
      new GaussianOtField(new double[] {1.5, -0.5}, new double[] {0.5, 2.0});

  /** One turn of a damped spiral. */
  static final RotationField SPIRAL = new RotationField(0.5, 2 * Math.PI);

  /** Two turns: a time scale long enough that RK4's error stays far above float32 round-off. */
  static final RotationField FAST_SPIRAL = new RotationField(0.5, 4 * Math.PI);

  static final List<String> FIXED =
      List.of("euler", "heun", "midpoint", "rk4", "cm-euler", "cm-midpoint", "cm-rk4");

  private static double error(String solver, String grid, ExactFlowField field, int steps) {
    float[] x = field.noise(N, 1);
    double[] exact = field.exact(x, N, 0, 1);
    Solvers.create(solver, SolverSettings.fixed(steps).withGrid(grid)).solve(field, x, N, 0, 1);
    return ExactFlowField.maxError(x, exact);
  }

  /**
   * Each case: the error with 2K steps is 2^order times smaller than with K (measured: Euler
   * 1.95–1.99, Heun 4.03–4.25, midpoint 3.83–3.93, RK4 15.0–18.5). K is chosen so that the error at
   * 2K is at least 6e-6, above float32 round-off (~1e-6 here).
   */
  static Stream<Arguments> orders() {
    List<Arguments> cases = new ArrayList<>();
    for (String grid : TimeGrid.names()) {
      cases.add(Arguments.of("euler", grid, GAUSSIAN, 80, 2.0));
      cases.add(Arguments.of("heun", grid, GAUSSIAN, 80, 4.0));
      // midpoint's second-order error term cancels on the Gaussian field (it falls ~8x there)
      cases.add(Arguments.of("midpoint", grid, SPIRAL, 80, 4.0));
      cases.add(Arguments.of("rk4", grid, FAST_SPIRAL, 80, 16.0));
    }
    cases.add(Arguments.of("cm-euler", "uniform", GAUSSIAN, 80, 2.0));
    cases.add(Arguments.of("cm-midpoint", "uniform", SPIRAL, 80, 4.0));
    cases.add(Arguments.of("cm-rk4", "uniform", FAST_SPIRAL, 80, 16.0));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} on {1}: error falls {4}x when steps double")
  @MethodSource("orders")
  void errorFallsAtTheMethodsOrder(
      String solver, String grid, ExactFlowField field, int steps, double expectedRatio) {
    double coarse = error(solver, grid, field, steps);
    double fine = error(solver, grid, field, 2 * steps);
    double ratio = coarse / fine;
    assertTrue(fine > 5e-6, solver + " error " + fine + " is too close to float32 round-off");
    assertTrue(
        ratio > 0.85 * expectedRatio && ratio < 1.25 * expectedRatio,
        solver
            + " on "
            + grid
            + ": error "
            + coarse
            + " -> "
            + fine
            + ", ratio "
            + ratio
            + ", expected ~"
            + expectedRatio);
  }

  @Test
  void handWrittenAndCommonsMathTakeTheSameSteps() {
    // Same method, same uniform steps: only the state's rounding differs (float here, double in
    // Commons Math), so they agree far below the methods' own error.
    String[][] pairs = {{"euler", "cm-euler"}, {"midpoint", "cm-midpoint"}, {"rk4", "cm-rk4"}};
    for (String[] pair : pairs) {
      float[] a = SPIRAL.noise(N, 3);
      float[] b = a.clone();
      Solvers.create(pair[0], SolverSettings.fixed(10)).solve(SPIRAL, a, N, 0, 1);
      Solvers.create(pair[1], SolverSettings.fixed(10)).solve(SPIRAL, b, N, 0, 1);
      double diff = ExactFlowField.maxError(a, b);
      assertTrue(diff < 2e-5, pair[0] + " vs " + pair[1] + " differ by " + diff);
    }
  }

  @Test
  void nfeIsExactlyStepsTimesStages() {
    int[] stages = {1, 2, 2, 4, 1, 2, 4};
    for (int m = 0; m < FIXED.size(); m++) {
      String solver = FIXED.get(m);
      for (int steps : new int[] {1, 3, 7, 10, 30}) {
        for (double[] span : new double[][] {{0, 1}, {1, 0}, {0.2, 0.9}}) {
          float[] x = GAUSSIAN.noise(5, 2);
          SolveResult r =
              Solvers.create(solver, SolverSettings.fixed(steps))
                  .solve(GAUSSIAN, x, 5, span[0], span[1]);
          int expected = steps * stages[m];
          String what = solver + " with " + steps + " steps from " + span[0] + " to " + span[1];
          assertArrayEquals(
              new int[] {expected, expected, expected, expected, expected}, r.nfePerSample(), what);
          assertEquals(expected, r.modelCalls(), what);
          assertEquals(steps, r.steps(), what);
          assertEquals(0, r.rejectedSteps(), what);
          assertTrue(r.modelNanos() > 0, what);
        }
      }
    }
  }

  @Test
  void commonsMathAloneAddsATinyStepWhenTheStepIsNoBinaryFraction() {
    // The quirk CommonsMathSolver works around: the time sum falls an ulp short of t1, and Commons
    // Math's RK4 then takes one more (tiny) step: 8 steps for h = 1/7 on [0, 1], 11 for h = 0.1
    // on [1, 0].
    assertEquals(32, rawCommonsMathRk4Evaluations(0, 1, 7));
    assertEquals(44, rawCommonsMathRk4Evaluations(1, 0, 10));
    assertEquals(40, rawCommonsMathRk4Evaluations(0, 1, 10));
  }

  private static int rawCommonsMathRk4Evaluations(double t0, double t1, int steps) {
    var integrator =
        new org.apache.commons.math3.ode.nonstiff.ClassicalRungeKuttaIntegrator(
            Math.abs(t1 - t0) / steps);
    double[] y = {1};
    integrator.integrate(
        new org.apache.commons.math3.ode.FirstOrderDifferentialEquations() {
          @Override
          public int getDimension() {
            return 1;
          }

          @Override
          public void computeDerivatives(double t, double[] state, double[] derivative) {
            derivative[0] = state[0];
          }
        },
        t0,
        y,
        t1,
        y);
    return integrator.getEvaluations();
  }

  @Test
  void commonsMathFixedStepsTakeExactlyTheStepsAsked() {
    int[] stages = {1, 2, 4};
    String[] solvers = {"cm-euler", "cm-midpoint", "cm-rk4"};
    for (int m = 0; m < solvers.length; m++) {
      for (int steps = 1; steps <= 100; steps++) {
        for (double[] span : new double[][] {{0, 1}, {1, 0}, {0.2, 0.9}, {0, 0.3}}) {
          float[] x = GAUSSIAN.noise(1, 2);
          SolveResult r =
              Solvers.create(solvers[m], SolverSettings.fixed(steps))
                  .solve(GAUSSIAN, x, 1, span[0], span[1]);
          assertEquals(steps * stages[m], r.modelCalls(), solvers[m] + " " + steps + " steps");
          assertEquals(steps, r.steps(), solvers[m] + " " + steps + " steps");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}: backward integration inverts forward")
  @MethodSource("roundTrips")
  void backwardInvertsForward(String solver, String grid, int steps, double bound) {
    float[] x0 = GAUSSIAN.noise(N, 4);
    float[] x = x0.clone();
    OdeSolver s = Solvers.create(solver, SolverSettings.fixed(steps).withGrid(grid));
    s.solve(GAUSSIAN, x, N, 0, 1);
    double[] exact = GAUSSIAN.exact(x0, N, 0, 1);
    double forwardError = ExactFlowField.maxError(x, exact);
    s.solve(GAUSSIAN, x, N, 1, 0);
    double roundTrip = ExactFlowField.maxError(x, x0);
    assertTrue(forwardError < bound, solver + " forward error " + forwardError);
    assertTrue(roundTrip < bound, solver + " round trip error " + roundTrip);
  }

  /**
   * Step counts where each method's forward error is ~1e-3 (Euler) to ~1e-6 (RK4); bound ≈ 3x
   * measured.
   */
  static Stream<Arguments> roundTrips() {
    List<Arguments> cases = new ArrayList<>();
    for (String grid : TimeGrid.names()) {
      cases.add(Arguments.of("euler", grid, 4000, 5e-3));
      cases.add(Arguments.of("heun", grid, 200, 5e-4));
      cases.add(Arguments.of("midpoint", grid, 100, 5e-5));
      cases.add(Arguments.of("rk4", grid, 40, 1e-5));
    }
    cases.add(Arguments.of("cm-euler", "uniform", 4000, 5e-3));
    cases.add(Arguments.of("cm-midpoint", "uniform", 100, 5e-5));
    cases.add(Arguments.of("cm-rk4", "uniform", 40, 1e-5));
    return cases.stream();
  }

  @Test
  void nonFiniteVelocityNamesTheSamplesAndTheTime() {
    float[] x = new float[2 * 10];
    x[2 * 3] = 1000;
    x[2 * 7] = 1000;
    for (String solver : List.of("euler", "heun", "midpoint", "rk4")) {
      FlowmatchException e =
          assertThrows(
              FlowmatchException.class,
              () ->
                  Solvers.create(solver, SolverSettings.fixed(4))
                      .solve(TestFields.nanFor(0.5, TestFields.constant()), x.clone(), 10, 0, 1));
      assertEquals(ErrorKind.NUMERIC, e.kind());
      // the first evaluation at t >= 0.5 is the one at the grid node 0.5, for every method
      assertEquals(
          solver + ": non-finite velocity (NaN or Inf) for samples 3, 7 at t=0.5 (2 of 10 samples)",
          e.getMessage());
    }
    FlowmatchException one =
        assertThrows(
            FlowmatchException.class,
            () -> {
              float[] y = new float[2 * 4];
              y[2] = 500;
              Solvers.create("cm-rk4", SolverSettings.fixed(4))
                  .solve(TestFields.nanFor(0.25, TestFields.constant()), y, 4, 0, 1);
            });
    assertEquals(
        "cm-rk4: non-finite velocity (NaN or Inf) for sample 1 at t=0.25 (1 of 4 samples)",
        one.getMessage());
  }

  @Test
  void manyNonFiniteSamplesAreListedShortly() {
    float[] x = new float[2 * 20];
    for (int i = 0; i < 20; i += 2) {
      x[2 * i] = 1000;
    }
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                Solvers.create("euler", SolverSettings.fixed(2))
                    .solve(TestFields.nanFor(0, TestFields.constant()), x, 20, 0, 1));
    assertEquals(ErrorKind.NUMERIC, e.kind());
    assertEquals(
        "euler: non-finite velocity (NaN or Inf) for samples 0, 2, 4, 6, 8, ... at t=0"
            + " (10 of 20 samples)",
        e.getMessage());
  }

  @Test
  void emptyIntervalOrBatchCostsNothing() {
    for (String solver : FIXED) {
      float[] x = GAUSSIAN.noise(3, 5);
      float[] before = x.clone();
      SolveResult r =
          Solvers.create(solver, SolverSettings.fixed(10)).solve(GAUSSIAN, x, 3, 0.4, 0.4);
      assertArrayEquals(before, x, solver);
      assertEquals(0, r.modelCalls(), solver);
      SolveResult none =
          Solvers.create(solver, SolverSettings.fixed(10)).solve(GAUSSIAN, x, 0, 0, 1);
      assertEquals(0, none.modelCalls(), solver);
    }
  }

  @Test
  void stateTooShortIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Solvers.create("heun", SolverSettings.fixed(3))
                    .solve(GAUSSIAN, new float[5], 3, 0, 1));
    assertEquals(
        "heun: state holds 5 floats, expected at least 6 for 3 samples of 2", e.getMessage());
  }
}
