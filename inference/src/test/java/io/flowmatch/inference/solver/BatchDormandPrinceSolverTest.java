package io.flowmatch.inference.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.VelocityField;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What sets dopri5-batch apart: every sample steps on its own, in shared model calls. */
class BatchDormandPrinceSolverTest {
  private static final OscillatorField OSCILLATOR = new OscillatorField();
  private static final double EASY = 1;
  private static final double HARD = 40;

  /** A field that records the batch size of every call. */
  private static final class Recording implements VelocityField {
    final VelocityField base;
    final List<Integer> callSizes = new ArrayList<>();

    Recording(VelocityField base) {
      this.base = base;
    }

    @Override
    public int[] sampleShape() {
      return base.sampleShape();
    }

    @Override
    public void evaluate(float[] x, float[] t, int n, float[] v) {
      callSizes.add(n);
      base.evaluate(x, t, n, v);
    }
  }

  @Test
  void eachSampleEndsAsIfSolvedAlone() {
    GaussianOtField field = new GaussianOtField(new double[] {1.5, -0.5}, new double[] {0.2, 3.0});
    int n = 16;
    float[] batch = field.noise(n, 7);
    float[] start = batch.clone();
    OdeSolver solver = Solvers.create("dopri5-batch", SolverSettings.adaptive(1e-5, 1e-5));
    SolveResult together = solver.solve(field, batch, n, 0, 1);
    for (int i = 0; i < n; i++) {
      float[] alone = {start[2 * i], start[2 * i + 1]};
      SolveResult single = solver.solve(field, alone, 1, 0, 1);
      assertArrayEquals(alone, new float[] {batch[2 * i], batch[2 * i + 1]}, "sample " + i);
      assertEquals(single.nfePerSample()[0], together.nfePerSample()[i], "sample " + i);
    }
    assertTrue(together.minNfe() < together.maxNfe(), "samples of this batch differ in NFE");
  }

  @Test
  void easySamplesStopEarlyWhileCommonsMathMakesAllPayForTheHardest() {
    int n = 32;
    double tol = 1e-5;
    float[] mixed = OscillatorField.batch(n, EASY, HARD);
    float[] forCommonsMath = mixed.clone();
    double[] exact = OSCILLATOR.exact(mixed, n, 0, 1);
    SolveResult ours =
        Solvers.create("dopri5-batch", SolverSettings.adaptive(tol, tol))
            .solve(OSCILLATOR, mixed, n, 0, 1);
    SolveResult theirs =
        Solvers.create("dopri5", SolverSettings.adaptive(tol, tol))
            .solve(OSCILLATOR, forCommonsMath, n, 0, 1);
    int commonsMathNfe = theirs.maxNfe();
    for (int i = 0; i < n; i += 2) {
      int easy = ours.nfePerSample()[i];
      int hard = ours.nfePerSample()[i + 1];
      assertTrue(
          3 * easy < commonsMathNfe, "easy sample " + i + ": " + easy + " vs " + commonsMathNfe);
      assertTrue(hard <= commonsMathNfe * 1.2, "hard sample " + (i + 1) + ": " + hard);
    }
    assertTrue(ours.meanNfe() < 0.7 * theirs.meanNfe(), ours.meanNfe() + " vs " + theirs.meanNfe());
    // both meet the tolerance on every sample
    assertTrue(ExactFlowField.maxError(mixed, exact) < 5 * tol * 2);
    assertTrue(ExactFlowField.maxError(forCommonsMath, exact) < 5 * tol * 2);
  }

  @Test
  void finishedSamplesDropOutOfLaterCalls() {
    int n = 32;
    Recording field = new Recording(OSCILLATOR);
    SolveResult r =
        Solvers.create("dopri5-batch", SolverSettings.adaptive(1e-5, 1e-5))
            .solve(field, OscillatorField.batch(n, EASY, HARD), n, 0, 1);
    List<Integer> sizes = field.callSizes;
    assertEquals(n, sizes.get(0));
    assertEquals(n / 2, sizes.get(sizes.size() - 1), "only the hard samples are left at the end");
    for (int c = 1; c < sizes.size(); c++) {
      assertTrue(sizes.get(c) <= sizes.get(c - 1), "call " + c + " grew");
    }
    // one call per stage for all unfinished samples: the hardest sample is in every call
    assertEquals(sizes.size(), r.modelCalls());
    assertEquals(r.modelCalls(), r.maxNfe());
    // initial slope, initial-step probe, then 6 evaluations per attempted step
    for (int nfe : r.nfePerSample()) {
      assertEquals(0, (nfe - 2) % 6, "nfe " + nfe);
    }
  }

  @Test
  void oneSampleStepsLikeCommonsMathDopri5() {
    // same tableau, controller and starting-step rule: one sample follows nearly the same path
    RotationField field = new RotationField(0.5, 2 * Math.PI);
    for (int i = 0; i < 8; i++) {
      float[] ours = field.noise(8, 11);
      float[] sample = {ours[2 * i], ours[2 * i + 1]};
      float[] theirs = sample.clone();
      SolveResult a =
          Solvers.create("dopri5-batch", SolverSettings.adaptive(1e-5, 1e-5))
              .solve(field, sample, 1, 0, 1);
      SolveResult b =
          Solvers.create("dopri5", SolverSettings.adaptive(1e-5, 1e-5))
              .solve(field, theirs, 1, 0, 1);
      assertTrue(ExactFlowField.maxError(sample, theirs) < 1e-5, "sample " + i);
      assertTrue(Math.abs(a.maxNfe() - b.maxNfe()) <= 6, a.maxNfe() + " vs " + b.maxNfe());
      // initial slope, initial-step probe, then 6 evaluations per accepted or rejected step
      assertEquals(2 + 6 * (a.steps() + a.rejectedSteps()), a.maxNfe());
    }
  }

  @Test
  void backwardSolveStartsEachSampleAtItsOwnPace() {
    int n = 8;
    float[] x0 = OscillatorField.batch(n, EASY, HARD, 3, 10);
    for (int i = 0; i < n; i++) {
      x0[2 * i] = 0.1f * i;
    }
    float[] x = x0.clone();
    OdeSolver solver = Solvers.create("dopri5-batch", SolverSettings.adaptive(1e-7, 1e-7));
    solver.solve(OSCILLATOR, x, n, 0, 1);
    SolveResult back = solver.solve(OSCILLATOR, x, n, 1, 0);
    assertTrue(
        ExactFlowField.maxError(x, x0) < 1e-5, "round trip " + ExactFlowField.maxError(x, x0));
    assertTrue(back.nfePerSample()[0] < back.nfePerSample()[1]);
  }
}
