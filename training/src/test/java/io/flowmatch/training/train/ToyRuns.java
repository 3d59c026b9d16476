package io.flowmatch.training.train;

import io.flowmatch.training.data.ToyDatasets;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.path.Paths;
import java.util.Map;

/** Small configs for the training tests. */
final class ToyRuns {
  private ToyRuns() {}

  static TrainConfig config(String dataset, String precision, int width, int depth, int steps, int batch, double lr) {
    ModelSpec spec = new ModelSpec("mlp", width, depth, 32, 0, 0, new int[0], false, 0);
    Map<String, Double> pp = Paths.defaults("condot");
    return new TrainConfig(
        dataset, null, new int[] {2}, ToyDatasets.RANGE.clone(), spec, "condot", pp, precision, 7, steps, batch,
        lr, Math.min(50, steps / 10), "cosine", 0, 0.9, 0.999, 1e-8, 1.0, 0.99, "uniform", steps, 0, 65536, 1000);
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
