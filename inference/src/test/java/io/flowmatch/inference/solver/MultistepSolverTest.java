package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.path.AffineSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Known answers for the multistep methods: ab2, ab3, dpm2m. */
class MultistepSolverTest {
  private static final int N = 64;
  private static final GaussianOtField GAUSSIAN = FixedStepSolverTest.GAUSSIAN;
  private static final RotationField SPIRAL = FixedStepSolverTest.SPIRAL;

  /**
   * Grids that are smooth maps of the uniform grid (and "cubic", explicit times of one). Not edm:
   * its first step has the same length whatever the step count, and the multistep methods' next
   * steps then see step ratios h_1/h_0 that shrink with K, so the error falls faster than the order
   * at 80 to 160 steps (measured 12x for ab2, 7x for dpm2m).
   */
  private static final List<String> GRIDS = List.of("uniform", "quadratic", "shift=3");

  private static double error(String solver, String grid, ExactFlowField field, int steps) {
    float[] x = field.noise(N, 1);
    double[] exact = field.exact(x, N, 0, 1);
    Solvers.create(solver, SolverSettings.fixed(steps).withGrid(grid(grid, steps)))
        .solve(field, x, N, 0, 1);
    return ExactFlowField.maxError(x, exact);
  }

  /** "cubic" stands for explicit times u = 1 − (1 − i/K)³, written out as a times= grid. */
  private static String grid(String grid, int steps) {
    if (!grid.equals("cubic")) {
      return grid;
    }
    double[] u = new double[steps + 1];
    for (int i = 0; i <= steps; i++) {
      double r = 1 - (double) i / steps;
      u[i] = 1 - r * r * r;
    }
    u[0] = 0;
    u[steps] = 1;
    return TimeGrid.explicitGrid(TimeGrid.TIMES, u);
  }

  /** The error with 2K steps is 2^order times smaller than with K. */
  static Stream<Arguments> orders() {
    List<Arguments> cases = new ArrayList<>();
    List<String> grids = new ArrayList<>(GRIDS);
    grids.add("cubic");
    for (String grid : grids) {
      cases.add(Arguments.of("ab2", grid, SPIRAL, 80, 4.0));
      cases.add(Arguments.of("ab2", grid, GAUSSIAN, 80, 4.0));
      cases.add(Arguments.of("ab3", grid, SPIRAL, 80, 8.0));
      cases.add(Arguments.of("dpm2m", grid, GAUSSIAN, 80, 4.0));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} on {1}, {2}: error falls {4}x when steps double")
  @MethodSource("orders")
  void errorFallsAtTheMethodsOrder(
      String solver, String grid, ExactFlowField field, int steps, double expectedRatio) {
    double coarse = error(solver, grid, field, steps);
    double fine = error(solver, grid, field, 2 * steps);
    double ratio = coarse / fine;
    assertTrue(fine > 5e-6, solver + " error " + fine + " is too close to float32 round-off");
    assertTrue(
        ratio > 0.8 * expectedRatio && ratio < 1.3 * expectedRatio,
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
  void adamsBashforthWeightsAreTheTextbookOnesOnAUniformGrid() {
    double[] nodes = {0, 0.1, 0.2, 0.3, 0.4};
    assertArrayEquals(
        new double[] {0.1}, MultistepSolver.adamsBashforthWeights(nodes, 2, 1), 1e-15);
    assertArrayEquals(
        new double[] {0.15, -0.05}, MultistepSolver.adamsBashforthWeights(nodes, 2, 2), 1e-15);
    assertArrayEquals(
        new double[] {0.1 * 23 / 12, -0.1 * 16 / 12, 0.1 * 5 / 12},
        MultistepSolver.adamsBashforthWeights(nodes, 3, 3),
        1e-15);
  }

  @Test
  void adamsBashforthWeightsIntegrateTheirPolynomialsExactlyOnAnyGrid() {
    // nodes 0, 0.1, 0.35 then a step of 0.5: ∫ τ² over [0.35, 0.85] from values at the three nodes
    double[] nodes = {0, 0.1, 0.35, 0.85};
    double[] w = MultistepSolver.adamsBashforthWeights(nodes, 2, 3);
    double exact = (Math.pow(0.85, 3) - Math.pow(0.35, 3)) / 3;
    double approx = w[0] * 0.35 * 0.35 + w[1] * 0.1 * 0.1 + w[2] * 0;
    assertEquals(exact, approx, 1e-14);
    // and AB2's closed form: h·(1 + r/2), −h·r/2 with r = h_i/h_{i−1} = 0.5/0.25
    double[] w2 = MultistepSolver.adamsBashforthWeights(nodes, 2, 2);
    assertArrayEquals(new double[] {0.5 * 2, -0.5 * 1}, w2, 1e-14);
  }

  @Test
  void nfeIsOnePerStepAfterTheStart() {
    for (String solver : List.of("ab2", "ab3", "dpm2m")) {
      for (int steps : new int[] {1, 2, 3, 8}) {
        float[] x = GAUSSIAN.noise(5, 2);
        SolveResult r =
            Solvers.create(solver, SolverSettings.fixed(steps)).solve(GAUSSIAN, x, 5, 0, 1);
        int expected = steps + (solver.equals("ab3") ? 1 : 0);
        assertEquals(expected, r.modelCalls(), solver + " " + steps);
        assertEquals(expected, r.nfePerSample()[0], solver + " " + steps);
        assertEquals(expected, Solvers.evaluations(solver, steps), solver + " " + steps);
      }
    }
    assertEquals(7, Solvers.stepsForEvaluations("ab3", 8));
    assertEquals(4, Solvers.stepsForEvaluations("heun", 8));
    assertEquals(-1, Solvers.stepsForEvaluations("heun", 7));
    assertEquals(2, Solvers.stepsForEvaluations("rk4", 8));
  }

  @Test
  void dpm2mOnTheOtPathStartsWithAnEulerStep() {
    // the first step is DDIM, which on the OT path is exactly Euler: one step of each agree
    float[] a = GAUSSIAN.noise(N, 5);
    float[] b = a.clone();
    Solvers.create("dpm2m", SolverSettings.fixed(1)).solve(GAUSSIAN, a, N, 0, 1);
    Solvers.create("euler", SolverSettings.fixed(1)).solve(GAUSSIAN, b, N, 0, 1);
    assertTrue(
        ExactFlowField.maxError(a, b) < 1e-6,
        "dpm2m and euler differ by " + ExactFlowField.maxError(a, b));
  }

  @Test
  void dpm2mIsExactWhenTheDataPredictionIsConstant() {
    // a point mass at μ: x̂1 = μ everywhere, so the exponential integrator has no error at all
    GaussianOtField point =
        new GaussianOtField(new double[] {1.5, -0.5}, new double[] {1e-9, 1e-9});
    for (int steps : new int[] {1, 2, 5}) {
      float[] x = point.noise(N, 6);
      double[] exact = point.exact(x, N, 0, 0.999);
      Solvers.create("dpm2m", SolverSettings.fixed(steps)).solve(point, x, N, 0, 0.999);
      assertTrue(
          ExactFlowField.maxError(x, exact) < 1e-5,
          steps + " steps: " + ExactFlowField.maxError(x, exact));
    }
  }

  @Test
  void dpm2mRunsBackwardWithTheNoisePrediction() {
    float[] x0 = GAUSSIAN.noise(N, 4);
    float[] x = x0.clone();
    OdeSolver s = Solvers.create("dpm2m", SolverSettings.fixed(200));
    s.solve(GAUSSIAN, x, N, 0, 1);
    double forward = ExactFlowField.maxError(x, GAUSSIAN.exact(x0, N, 0, 1));
    s.solve(GAUSSIAN, x, N, 1, 0);
    double roundTrip = ExactFlowField.maxError(x, x0);
    assertTrue(forward < 5e-4, "forward " + forward);
    assertTrue(roundTrip < 1e-3, "round trip " + roundTrip);
  }

  @Test
  void dpm2mReadsOtherPathsFromTheirSchedule() {
    // the cosine path's marginal velocity for a point mass at μ: x_t = α·μ + σ·x0, so
    // v = α̇·μ + σ̇·(x − α·μ)/σ; its exact flow keeps x0 = (x − α·μ)/σ fixed
    AffineSchedule cos = AffineSchedule.cosine();
    double mu = 2;
    ExactFlowField field =
        new ExactFlowField(1) {
          @Override
          void velocity(double[] x, double t, double[] v) {
            v[0] = cos.dAlpha(t) * mu + cos.dSigma(t) * (x[0] - cos.alpha(t) * mu) / cos.sigma(t);
          }

          @Override
          void flow(double[] x, double ta, double tb, double[] out) {
            double x0 = (x[0] - cos.alpha(ta) * mu) / cos.sigma(ta);
            out[0] = cos.alpha(tb) * mu + cos.sigma(tb) * x0;
          }
        };
    float[] x = field.noise(N, 7);
    double[] exact = field.exact(x, N, 0, 1);
    new Dpm2mSolver(3, "uniform", cos).solve(field, x, N, 0, 1);
    assertTrue(
        ExactFlowField.maxError(x, exact) < 1e-5, "cosine: " + ExactFlowField.maxError(x, exact));
    // the OT schedule on the same field is wrong: the path matters
    float[] y = field.noise(N, 7);
    new Dpm2mSolver(3, "uniform", AffineSchedule.condOt(0)).solve(field, y, N, 0, 1);
    assertTrue(
        ExactFlowField.maxError(y, exact) > 1e-2, "condot: " + ExactFlowField.maxError(y, exact));
  }

  @Test
  void dpm2mReusesNoCoefficientsOfAnotherGrid() {
    // one solver instance keeps the last grid's coefficients: solving forward, backward, on another
    // interval and forward again must give what fresh instances give
    Dpm2mSolver shared = new Dpm2mSolver(6, "quadratic", AffineSchedule.condOt(0));
    double[][] intervals = {{0, 1}, {1, 0}, {0, 0.5}, {0, 1}};
    for (double[] ab : intervals) {
      float[] x = GAUSSIAN.noise(N, 3);
      float[] y = x.clone();
      shared.solve(GAUSSIAN, x, N, ab[0], ab[1]);
      new Dpm2mSolver(6, "quadratic", AffineSchedule.condOt(0)).solve(GAUSSIAN, y, N, ab[0], ab[1]);
      assertArrayEquals(y, x, ab[0] + " -> " + ab[1]);
    }
  }
}
