package io.flowmatch.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.data.Datasets;
import io.flowmatch.training.data.TrainingData;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.train.FlowTrainer;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Training throughput, fp32, fp16 (mixed where the device probe says it pays) and fp16-always
 * (float16 working copy whatever it costs) side by side, through the real trainer (data, path,
 * forward, backward, unscale, AdamW, EMA; no checkpoints or previews in the timed part).
 *
 * <pre>
 * java -cp … io.flowmatch.training.bench.TrainThroughput DATASET BATCH FP32_STEPS FP16_STEPS ARCH:WIDTH:DEPTH …
 * e.g. TrainThroughput moons 256 300 30 mlp:64:3 mlp:256:4 mlp:512:4
 *      TrainThroughput fashion-mnist 128 60 3 mlp:256:4 mlp:1024:3
 * </pre>
 *
 * Each configuration first trains a few warm-up steps, then resumes for the timed steps; the runs
 * of a configuration follow each other so all see the same machine load. fp16 runs FP32_STEPS (it
 * is fp32 where float16 does not pay), fp16-always FP16_STEPS. Threads: {@code
 * -Dai.djl.pytorch.num_threads=N}. Prints samples/s of each and the ratios to fp32.
 */
public final class TrainThroughput {
  private TrainThroughput() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 5) {
      System.err.println(
          "usage: TrainThroughput DATASET BATCH FP32_STEPS FP16_STEPS ARCH:WIDTH:DEPTH ...");
      System.exit(2);
    }
    String dataset = args[0];
    int batch = Integer.parseInt(args[1]);
    int steps32 = Integer.parseInt(args[2]);
    int steps16 = Integer.parseInt(args[3]);
    Engine.getInstance();
    TrainingData data = Datasets.load(dataset, null, 0);
    System.out.printf(
        Locale.ROOT,
        "training throughput on %s, batch %d, %d PyTorch threads, %d/%d timed steps"
            + " (fp32 and fp16/fp16-always)%n",
        dataset,
        batch,
        ai.djl.pytorch.jni.JniUtils.getNumThreads(),
        steps32,
        steps16);
    System.out.println(
        "model              params  fp32 samples/s  fp16 samples/s  fp16/fp32"
            + "  fp16-always samples/s  always/fp32");
    for (int i = 4; i < args.length; i++) {
      String[] f = args[i].split(":");
      ModelSpec d = Architectures.defaults(f[0]);
      ModelSpec spec = d.withSize(Integer.parseInt(f[1]), Integer.parseInt(f[2]), d.timeEmbedDim());
      double[] r32 = measure(data, "fp32", spec, batch, steps32);
      double[] r16 = measure(data, "fp16", spec, batch, steps32);
      double[] always = measure(data, "fp16-always", spec, batch, steps16);
      System.out.printf(
          Locale.ROOT,
          "%-16s %8d %15.1f %15.1f %10.3f %22.1f %12.3f%n",
          args[i],
          (long) r32[2],
          r32[0] * batch,
          r16[0] * batch,
          r16[0] / r32[0],
          always[0] * batch,
          always[0] / r32[0]);
    }
  }

  /** Returns {steps/s, last loss, parameter count}. */
  private static double[] measure(
      TrainingData data, String precision, ModelSpec spec, int batch, int steps) throws Exception {
    int warm = Math.max(2, steps / 10);
    TrainConfig cfg =
        TrainConfig.builder()
            .setDataset(data.name())
            .setModel(spec)
            .setSteps(warm + steps)
            .optSampleShape(data.sampleShape())
            .optDataRange(data.range())
            .optPrecision(precision)
            .optSeed(1)
            .optBatch(batch)
            .optWarmup(0)
            .optCheckpointEvery(Integer.MAX_VALUE)
            .optSampleEvery(0)
            .build();
    Path dir = Files.createTempDirectory("train-bench");
    PrintWriter silent = new PrintWriter(new StringWriter());
    try (NDManager manager = NDManager.newBaseManager()) {
      RunFolder run = RunFolder.create(dir.resolve("run"), cfg.withSteps(warm), false);
      try (FlowTrainer t = new FlowTrainer(run, data, manager, silent)) {
        t.quiet();
        t.train(); // warm-up, ends with a checkpoint
      }
      run = RunFolder.reopenWith(run, cfg);
      try (FlowTrainer t = new FlowTrainer(run, data, manager, silent)) {
        t.quiet();
        FlowTrainer.Result r = t.train();
        return new double[] {steps / r.seconds(), r.lastLoss(), t.parameterCount()};
      }
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
