package io.flowmatch.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.flowmatch.training.data.Datasets;
import io.flowmatch.training.data.TrainingData;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.path.Paths;
import io.flowmatch.training.train.FlowTrainer;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Training throughput of the MLP, fp32 and fp16 (mixed) side by side, through the real trainer
 * (data, path, forward, backward, unscale, AdamW, EMA; no checkpoints or previews).
 *
 * <pre>
 * java -cp … io.flowmatch.training.bench.MlpTrainThroughput [dataset] [batch] [fp32 steps] [fp16 steps] [width:depth …]
 * e.g. MlpTrainThroughput moons 256 200 20 64:3 256:4 512:4
 * </pre>
 *
 * Each configuration runs a short warm-up, then the timed steps; fp32 and fp16 alternate so that
 * both see the same machine load. Prints steps/s and samples/s and the fp16/fp32 ratio.
 */
public final class MlpTrainThroughput {
  private MlpTrainThroughput() {}

  public static void main(String[] args) throws Exception {
    String dataset = args.length > 0 ? args[0] : "moons";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int steps32 = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    int steps16 = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    String[] sizes = args.length > 4 ? java.util.Arrays.copyOfRange(args, 4, args.length) : new String[] {"64:3", "256:4"};
    Engine.getInstance();
    TrainingData data = Datasets.load(dataset, null, 0);
    System.out.printf(
        Locale.ROOT, "MLP training throughput on %s, batch %d, %d threads (%s)%n",
        dataset, batch, ai.djl.pytorch.jni.JniUtils.getNumThreads(), System.getProperty("os.arch"));
    System.out.println("width depth params   fp32 steps/s  fp32 samples/s  fp16 steps/s  fp16 samples/s  fp16/fp32");
    for (String size : sizes) {
      String[] wd = size.split(":");
      int width = Integer.parseInt(wd[0]);
      int depth = Integer.parseInt(wd[1]);
      double[] r32 = measure(data, "fp32", width, depth, batch, steps32);
      double[] r16 = measure(data, "fp16", width, depth, batch, steps16);
      System.out.printf(
          Locale.ROOT, "%5d %5d %8d %12.1f %15.0f %13.2f %15.0f %10.3f%n",
          width, depth, (long) r32[2], r32[0], r32[0] * batch, r16[0], r16[0] * batch, r16[0] / r32[0]);
    }
  }

  /** Returns {steps/s, last loss, parameter count}. */
  private static double[] measure(TrainingData data, String precision, int width, int depth, int batch, int steps)
      throws Exception {
    ModelSpec spec = new ModelSpec("mlp", width, depth, 64, 0, 0, new int[0], false, 0);
    int warm = Math.max(2, steps / 10);
    TrainConfig cfg =
        new TrainConfig(
            data.name(), null, data.sampleShape(), data.range(), spec, "condot", Paths.defaults("condot"), precision,
            1, warm + steps, batch, 1e-3, 0, "constant", 0, 0.9, 0.999, 1e-8, 1.0, 0.999, "uniform",
            Integer.MAX_VALUE, 0, 65536, 1000);
    Path dir = Files.createTempDirectory("mlp-bench");
    try (NDManager manager = NDManager.newBaseManager()) {
      RunFolder run = RunFolder.create(dir.resolve("run"), cfg.withSteps(warm), false);
      long params;
      double seconds;
      double loss;
      try (FlowTrainer t = new FlowTrainer(run, data, manager, new PrintWriter(System.err))) {
        t.quiet();
        t.train(); // warm-up (and its checkpoint)
        run = RunFolder.reopenWith(run, cfg);
      }
      try (FlowTrainer t = new FlowTrainer(run, data, manager, new PrintWriter(System.err))) {
        t.quiet();
        params = t.parameterCount();
        FlowTrainer.Result r = t.train();
        seconds = r.seconds();
        loss = r.lastLoss();
      }
      return new double[] {steps / seconds, loss, params};
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
