package io.flowmatch.training.train;

import ai.djl.ndarray.NDManager;
import io.flowmatch.training.data.StepRandom;
import io.flowmatch.training.data.ToyDatasets;
import io.flowmatch.training.data.TrainingData;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Manual experiment: how fast a 2-D MLP reaches what energy distance (run with -Dtest). */
class QualityProbe {
  @org.junit.jupiter.api.Test
  void probe() throws Exception {
    String ds = env("PROBE_DATA", "moons");
    int steps = Integer.parseInt(env("PROBE_STEPS", "600"));
    int width = Integer.parseInt(env("PROBE_WIDTH", "128"));
    int depth = Integer.parseInt(env("PROBE_DEPTH", "3"));
    int batch = Integer.parseInt(env("PROBE_BATCH", "256"));
    double lr = Double.parseDouble(env("PROBE_LR", "3e-3"));
    ai.djl.engine.Engine.getInstance();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    TrainingData data = ToyDatasets.generate(ds, 100_000, 7);
    float[] ref = ToyDatasets.generate(ds, 1000, 99).gather(range(1000));
    float[] noise = StepRandom.gaussians(StepRandom.of(5, 5, 5), 2000);
    System.out.println("noise baseline " + Distances.energy(noise, ref) + " data floor " + Distances.energy(ToyDatasets.generate(ds, 1000, 123).gather(range(1000)), ref));
    Path dir = Files.createTempDirectory("probe");
    RunFolder run = RunFolder.create(dir.resolve("r"), ToyRuns.config(ds, "fp32", width, depth, steps, batch, lr), false);
    try (NDManager m = NDManager.newBaseManager();
        FlowTrainer t = new FlowTrainer(run, data, m, new PrintWriter(System.err))) {
      t.quiet();
      long t0 = System.nanoTime();
      FlowTrainer.Result r = t.train();
      System.out.printf("steps %d in %.1f s, loss %.4f%n", steps, (System.nanoTime() - t0) / 1e9, r.lastLoss());
      for (int k : new int[] {20, 50, 100}) {
        float[] s = SamplePreview.euler(m, t.ema().block(), StepRandom.gaussians(StepRandom.of(1, 1, 1), 2000), 1000, new int[] {2}, k);
        float[] s2 = SamplePreview.euler(m, t.model().master(), StepRandom.gaussians(StepRandom.of(1, 1, 1), 2000), 1000, new int[] {2}, k);
        System.out.printf("euler %d: energy ema %.4f raw %.4f%n", k, Distances.energy(s, ref), Distances.energy(s2, ref));
      }
    }
  }

  static String env(String k, String d) {
    String v = System.getenv(k);
    return v == null ? d : v;
  }

  static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }
}
