package io.flowmatch.training.train;

import io.flowmatch.training.arch.mlp.MlpSpec;

/** Small configs for the training tests. */
final class ToyRuns {
  private ToyRuns() {}

  static TrainConfig config(
      String dataset, String precision, int width, int depth, int steps, int batch, double lr) {
    MlpSpec spec = new MlpSpec(width, depth, 32);
    return TrainConfig.builder()
        .setDataset(dataset)
        .setModel(spec)
        .setSteps(steps)
        .optPrecision(precision)
        .optSeed(7)
        .optBatch(batch)
        .optLr(lr)
        .optWarmup(Math.min(50, steps / 10))
        .optSchedule("cosine")
        .optEmaDecay(0.99)
        .optCheckpointEvery(steps)
        .optSampleEvery(0)
        .build();
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
