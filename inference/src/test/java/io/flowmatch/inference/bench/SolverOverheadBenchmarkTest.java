package io.flowmatch.inference.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmatch.inference.solver.SolveResult;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark's ONNX field honest: batched calls equal one-sample calls. */
class SolverOverheadBenchmarkTest {

  @Test
  void batchedCallsOfTheMlpFieldMatchSingleSampleCalls() throws Exception {
    try (var field =
        new SolverOverheadBenchmark.OrtMlpField(SolverOverheadBenchmark.mlp(16, 3), 1, 8)) {
      float[] x = {0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 0f, 0f, 3f, -2f};
      float[] t = {0f, 0.2f, 0.4f, 0.6f, 1f};
      float[] batched = new float[10];
      field.evaluate(x, t, 5, batched);
      for (int i = 0; i < 5; i++) {
        float[] one = new float[2];
        field.evaluate(new float[] {x[2 * i], x[2 * i + 1]}, new float[] {t[i]}, 1, one);
        assertArrayEquals(
            new float[] {batched[2 * i], batched[2 * i + 1]}, one, 1e-5f, "sample " + i);
      }
      // the per-sample solver's shrinking batches go through the same buffers
      SolveResult r =
          Solvers.create("dopri5-batch", SolverSettings.adaptive(1e-4, 1e-4))
              .solve(field, x.clone(), 5, 0, 1);
      assertEquals(r.maxNfe(), r.modelCalls());
    }
  }
}
