package io.flowmatch.inference.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.AnalyticVelocityField;
import io.flowmatch.inference.field.GaussianTargetField;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.metrics.QualityMetric;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The engine on fields with exact flows: errors against the exact solution fall at each method's
 * order, adaptive solvers meet their tolerance, and the bookkeeping (NFE, failures, quality) is
 * right.
 */
class CompareEngineTest {
  static final int N = 64;

  /** OT path to a Gaussian target: x1 = μ + s·x0. */
  static final GaussianTargetField FIELD =
      new GaussianTargetField(new double[] {1.5, -0.5, 2}, 0.8);

  /** A spiral v = A·x, A = [[−a, −ω], [ω, −a]]: flow e^(−at)·R(ωt), smooth at every scale. */
  static final class Spiral extends AnalyticVelocityField {
    static final double A = 0.5;
    static final double OMEGA = 3;

    Spiral() {
      super(2);
    }

    @Override
    public void velocity(double[] x, double t, double[] v) {
      v[0] = -A * x[0] - OMEGA * x[1];
      v[1] = OMEGA * x[0] - A * x[1];
    }

    static double[] flow(float[] x0, int n) {
      double decay = Math.exp(-A);
      double c = Math.cos(OMEGA);
      double s = Math.sin(OMEGA);
      double[] out = new double[2 * n];
      for (int i = 0; i < n; i++) {
        out[2 * i] = decay * (c * x0[2 * i] - s * x0[2 * i + 1]);
        out[2 * i + 1] = decay * (s * x0[2 * i] + c * x0[2 * i + 1]);
      }
      return out;
    }
  }

  static float[] noise() {
    SplittableRandom r = new SplittableRandom(9);
    float[] x = new float[N * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] =
          (float)
              (Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
                  * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return x;
  }

  /** The exact flow from t = 0 to 1 in double. */
  static double[] exact(float[] x0) {
    double[] out = new double[x0.length];
    double[] in = new double[3];
    double[] y = new double[3];
    for (int i = 0; i < N; i++) {
      for (int k = 0; k < 3; k++) {
        in[k] = x0[3 * i + k];
      }
      FIELD.flow(in, 0, 1, y);
      System.arraycopy(y, 0, out, 3 * i, 3);
    }
    return out;
  }

  @Test
  void errorsFallAtEachMethodsOrder() {
    float[] noise = java.util.Arrays.copyOf(noise(), 2 * N);
    CompareEngine engine =
        new CompareEngine(new Spiral(), noise, N, 16, 0, 1, Spiral.flow(noise, N), null, 10_000, 1);
    List<SettingResult> results =
        engine.run(
            SolverSpec.parse("euler:20,40,80 heun:10,20,40 rk4:4,8,16 midpoint:10,20,40"),
            CompareEngine.Listener.NONE);
    assertEquals(12, results.size());
    SettingResult euler20 = results.get(0);
    assertEquals(20, euler20.meanNfe());
    assertEquals(20, euler20.minNfe());
    assertEquals(20, euler20.maxNfe());
    assertEquals(20 * (N / 16), euler20.modelCalls(), "4 batches of 16");
    assertEquals(40, results.get(4).meanNfe(), "heun 20 steps: 2 evaluations per step");
    assertEquals(64, results.get(8).meanNfe(), "rk4 16 steps");
    List<ConvergenceOrder> orders = ConvergenceOrder.of(results);
    assertEquals(
        List.of("euler", "heun", "rk4", "midpoint"),
        orders.stream().map(ConvergenceOrder::method).toList());
    // measured: euler 1.07, heun 2.02, rk4 4.05, midpoint 2.02
    assertEquals(1, orders.get(0).order(), 0.12);
    assertEquals(2, orders.get(1).order(), 0.1);
    assertEquals(4, orders.get(2).order(), 0.2);
    assertEquals(2, orders.get(3).order(), 0.1);
    assertEquals(2, orders.get(2).localOrders().length);
    for (SettingResult r : results) {
      assertNull(r.failure());
      assertTrue(r.errorMax() >= r.errorRms(), r.setting().label());
      assertTrue(r.wallSeconds() > 0);
    }
  }

  @Test
  void adaptiveSolversMeetTheirToleranceAndCountNfePerSample() {
    float[] noise = noise();
    CompareEngine engine =
        new CompareEngine(FIELD, noise, N, N, 0, 1, exact(noise), null, 10_000, 2);
    List<SettingResult> results =
        engine.run(
            SolverSpec.parse("dopri5:1e-3,1e-6 dopri5-batch:1e-3,1e-6"),
            CompareEngine.Listener.NONE);
    for (SettingResult r : results) {
      double tol = r.setting().rtol();
      // errors are measured per component; scale ~ |x| ≤ 5 so rtol·|x| + atol bounds ~6·tol
      assertTrue(r.errorRms() < 20 * tol, r.setting().label() + " error " + r.errorRms());
    }
    assertTrue(results.get(1).meanNfe() > results.get(0).meanNfe());
    assertEquals(
        results.get(0).minNfe(), results.get(0).maxNfe(), "whole-batch dopri5: same NFE for all");
  }

  @Test
  void aFailingSettingIsRecordedAndTheRestGoOn() {
    VelocityField nanLate =
        new VelocityField() {
          @Override
          public int[] sampleShape() {
            return new int[] {3};
          }

          @Override
          public void evaluate(float[] x, float[] t, int n, float[] v) {
            FIELD.evaluate(x, t, n, v);
            for (int i = 0; i < n; i++) {
              if (t[i] > 0.5f && i == 3) {
                v[3 * i] = Float.NaN;
              }
            }
          }
        };
    float[] noise = noise();
    QualityMetric meanNorm =
        new QualityMetric() {
          @Override
          public List<String> names() {
            return List.of("mean0");
          }

          @Override
          public String description() {
            return "mean of the first coordinate";
          }

          @Override
          public double[] score(float[] samples, int n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
              s += samples[3 * i];
            }
            return new double[] {s / n};
          }
        };
    CompareEngine engine = new CompareEngine(nanLate, noise, N, N, 0, 0.25, null, meanNorm, 100, 1);
    List<SettingResult> ok = engine.run(SolverSpec.parse("euler:4"), CompareEngine.Listener.NONE);
    assertNull(ok.get(0).failure());
    assertTrue(Double.isNaN(ok.get(0).errorRms()), "no reference, no error");
    assertEquals(1, ok.get(0).quality().length);

    CompareEngine late = new CompareEngine(nanLate, noise, N, N, 0, 1, null, meanNorm, 100, 1);
    List<SettingResult> results =
        late.run(SolverSpec.parse("heun:4 dopri5:1e-3 euler:2"), CompareEngine.Listener.NONE);
    assertEquals(
        "the model returned a non-finite velocity (NaN) for sample 3 at t=0.75 (1 of 64 samples)",
        results.get(0).failure());
    assertTrue(results.get(1).failed());
    assertTrue(Double.isNaN(results.get(1).quality()[0]));
    // euler with 2 steps evaluates at t = 0 and 0.5 only
    assertNull(results.get(2).failure());
    assertEquals(2, results.get(2).meanNfe());
  }

  @Test
  void referenceSolverIsAccurateAndNamesItsFailures() {
    float[] noise = noise();
    double[] exact = exact(noise);
    ReferenceSolver.Result r =
        new ReferenceSolver(1e-10, 1e-10, 100_000).solve(FIELD, noise, N, 8, 0, 1);
    double max = 0;
    for (int i = 0; i < exact.length; i++) {
      max = Math.max(max, Math.abs(r.x()[i] - exact[i]));
    }
    // the field rounds each velocity to float: the floor is ~1e-7 of |x|
    assertTrue(max < 2e-6, "max error " + max);
    assertTrue(r.meanNfe() > 20);

    ReferenceSolver tight = new ReferenceSolver(1e-8, 1e-8, 30);
    FlowmatchException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            FlowmatchException.class, () -> tight.solve(FIELD, noise, N, 64, 0, 1));
    assertTrue(
        e.getMessage()
            .startsWith(
                "reference solve dop853 (rtol 1e-8, atol 1e-8, double state) exceeded 30 evaluations at t="),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .endsWith(" for samples 0..63; loosen --reference-tol or raise --reference-max-evals"),
        e.getMessage());
  }

  @Test
  void repeatsRunRoundRobinAndReportTheMedianRound() {
    List<Float> times = new java.util.ArrayList<>();
    VelocityField recording =
        new VelocityField() {
          @Override
          public int[] sampleShape() {
            return new int[] {3};
          }

          @Override
          public void evaluate(float[] x, float[] t, int n, float[] v) {
            times.add(t[0]);
            FIELD.evaluate(x, t, n, v);
          }
        };
    float[] noise = noise();
    CompareEngine engine = new CompareEngine(recording, noise, N, N, 0, 1, null, null, 100, 3);
    // the listener hears of every solve: the first round as started, the others as timing
    List<String> heard = new java.util.ArrayList<>();
    List<SettingResult> results =
        engine.run(
            SolverSpec.parse("euler:2 euler:3"),
            new CompareEngine.Listener() {
              @Override
              public void started(SolverSetting setting, int index, int total) {
                heard.add("start " + setting.label() + " " + index + "/" + total);
              }

              @Override
              public void timing(SolverSetting setting, int round, int index, int total) {
                heard.add("round " + round + " " + setting.label() + " " + index + "/" + total);
              }
            });
    List<Float> round = List.of(0f, 0.5f, 0f, 1f / 3, 2f / 3);
    List<Float> expected = new java.util.ArrayList<>();
    for (int r = 0; r < 3; r++) {
      expected.addAll(round);
    }
    assertEquals(expected, times, "each round solves every setting once, in order");
    assertEquals(
        List.of(
            "start euler:2 0/2",
            "start euler:3 1/2",
            "round 2 euler:2 0/2",
            "round 2 euler:3 1/2",
            "round 3 euler:2 0/2",
            "round 3 euler:3 1/2"),
        heard);
    assertEquals(2, results.size());
    assertEquals(3, results.get(1).meanNfe(), "NFE of one solve, not of all rounds");
  }

  @Test
  void medianRound() {
    assertEquals(2, CompareEngine.medianIndex(new double[] {3, 1, 2}));
    assertEquals(
        3, CompareEngine.medianIndex(new double[] {4, 1, 3, 2}), "lower median of an even count");
    assertEquals(0, CompareEngine.medianIndex(new double[] {7}));
  }
}
