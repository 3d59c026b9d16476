package io.flowmatch.inference.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.error.NonFiniteException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sampler with a Java field and a test Euler solver (no ONNX, no solver package needed). */
class SamplerTest {

  /** v(x, t) = −x: x(1) = x(0)·e^{−1}; explicit Euler with K steps gives x(0)·(1 − 1/K)^K. */
  static class Decay implements VelocityField {
    final int dim;

    Decay(int dim) {
      this.dim = dim;
    }

    @Override
    public int[] sampleShape() {
      return new int[] {dim};
    }

    @Override
    public void evaluate(float[] x, float[] t, int n, float[] v) {
      for (int i = 0; i < n * dim; i++) {
        v[i] = -x[i];
      }
    }
  }

  /** Plain Euler in the test, counting calls. */
  static class TestEuler implements OdeSolver {
    final int steps;

    TestEuler(int steps) {
      this.steps = steps;
    }

    @Override
    public String name() {
      return "test-euler";
    }

    @Override
    public SolveResult solve(VelocityField f, float[] x, int n, double t0, double t1) {
      int size = f.sampleSize();
      float[] v = new float[n * size];
      float[] t = new float[n];
      double h = (t1 - t0) / steps;
      for (int k = 0; k < steps; k++) {
        Arrays.fill(t, (float) (t0 + k * h));
        f.evaluate(x, t, n, v);
        for (int i = 0; i < n * size; i++) {
          x[i] += (float) (h * v[i]);
        }
      }
      int[] nfe = new int[n];
      Arrays.fill(nfe, steps);
      return new SolveResult(nfe, steps, steps, 0, 1000);
    }
  }

  @Test
  void batchesCoverEverySampleOnceInOrder() throws Exception {
    int n = 10;
    NoiseSource ones =
        (first, count, size, out) -> {
          for (int s = 0; s < count; s++) {
            for (int k = 0; k < size; k++) {
              out[s * size + k] = first + s; // each sample starts at its own index
            }
          }
        };
    List<String> batches = new ArrayList<>();
    float[] result = new float[n * 2];
    List<Double> progress = new ArrayList<>();
    SampleReport r =
        Sampler.run(
            new Decay(2),
            new TestEuler(4),
            ones,
            n,
            4,
            0,
            1,
            (first, count, x) -> {
              batches.add(first + "+" + count);
              System.arraycopy(x, 0, result, (int) first * 2, count * 2);
            },
            progress::add);
    assertEquals(List.of("0+4", "4+4", "8+2"), batches);
    float factor = (float) Math.pow(0.75, 4);
    for (int i = 0; i < n; i++) {
      assertEquals(i * factor, result[2 * i], 1e-5 * (i + 1));
    }
    assertEquals(10, r.samples());
    assertEquals(4, r.minNfe());
    assertEquals(4, r.maxNfe());
    assertEquals("4", r.nfeText());
    assertEquals(12, r.modelCalls());
    assertEquals(3000, r.modelNanos());
    // progress rises to 1 and never falls
    for (int i = 1; i < progress.size(); i++) {
      assertTrue(progress.get(i) >= progress.get(i - 1), progress.toString());
    }
    assertEquals(1.0, progress.get(progress.size() - 1));
  }

  @Test
  void overflowingStatesAreReported() {
    VelocityField explode =
        new Decay(1) {
          @Override
          public void evaluate(float[] x, float[] t, int n, float[] v) {
            for (int i = 0; i < n; i++) {
              v[i] = i == 1 ? Float.MAX_VALUE : 0; // finite velocity, but x + h·v overflows
            }
          }
        };
    NoiseSource zeros =
        (first, count, size, out) -> Arrays.fill(out, 0, count * size, Float.MAX_VALUE);
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                Sampler.run(
                    explode,
                    new TestEuler(2),
                    zeros,
                    3,
                    3,
                    0,
                    1,
                    (f, c, x) -> {},
                    Sampler.Progress.NONE));
    assertEquals(ErrorKind.NUMERIC, e.kind());
    assertEquals(
        "the integration ended with non-finite values at t=1 for sample 1 (1 of the 3 samples from 0)",
        e.getMessage());
  }

  @Test
  void solverErrorsInLaterBatchesNameTheirBatch() {
    OdeSolver failsOnSecondBatch =
        new TestEuler(1) {
          int calls;

          @Override
          public SolveResult solve(VelocityField f, float[] x, int n, double t0, double t1) {
            if (++calls == 2) {
              throw new NonFiniteException(
                  "test: non-finite velocity for sample 1 at t=0.5", new long[] {1}, 0.5);
            }
            return super.solve(f, x, n, t0, t1);
          }
        };
    NoiseSource zeros = (first, count, size, out) -> Arrays.fill(out, 0, count * size, 0f);
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                Sampler.run(
                    new Decay(1),
                    failsOnSecondBatch,
                    zeros,
                    10,
                    4,
                    0,
                    1,
                    (f, c, x) -> {},
                    Sampler.Progress.NONE));
    assertEquals(ErrorKind.NUMERIC, e.kind());
    assertEquals(
        "test: non-finite velocity for sample 1 at t=0.5 [batch of samples 4-7 of 10; the sample numbers above"
            + " are within that batch]",
        e.getMessage());
  }

  @Test
  void reportTextsAndRates() {
    SampleReport r = new SampleReport(100, 38.46, 32, 44, 50, 500_000_000L, 1_000_000_000L);
    assertEquals("38.5 (min 32, max 44)", r.nfeText());
    assertEquals(100, r.samplesPerSecond(), 1e-9);
    assertEquals(10, r.msPerModelCall(), 1e-9);
    assertEquals(0.5, r.modelFraction(), 1e-12);
    assertEquals("0.5", Numbers.compact(0.5));
    assertEquals("1", Numbers.compact(1.0));
    assertEquals("0.333333", Numbers.compact(1.0 / 3));
    assertEquals("1e-06", Numbers.compact(1e-6));
    assertEquals("0.75", Numbers.compact(0.75f));
  }
}
