package io.flowmatch.training.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.arch.dit.DitSpec;
import io.flowmatch.training.arch.dit.DitVelocityNet;

/**
 * Prints the DiT's training throughput (forward + backward of the flow-matching MSE, images/s) at
 * batch 64 on 1×28×28 samples, for the default spec and a smaller one, side by side in one run.
 *
 * <pre>
 *   java -Dai.djl.offline=true -cp training/target/classes:$(cat training/target/classpath.txt) \
 *       io.flowmatch.training.bench.DitThroughput [iterations] [--fp16]
 * </pre>
 *
 * <p>{@code --fp16} adds the small spec run on a float16 working copy (float16 parameters and
 * activations), side by side with its float32 row: on CPUs without native half arithmetic this
 * shows what mixed precision would cost before it is chosen.
 *
 * <p>Only forward and backward are timed (no optimizer step): it is the model's cost, which the
 * trainer's own benchmark then adds to.
 */
public final class DitThroughput {
  private DitThroughput() {}

  public static void main(String[] args) {
    int iterations = args.length > 0 && !args[0].startsWith("-") ? Integer.parseInt(args[0]) : 5;
    boolean fp16 = java.util.Arrays.asList(args).contains("--fp16");
    int batch = 64;
    int[] shape = {1, 28, 28};
    DitSpec def = DitSpec.DEFAULTS;
    DitSpec small = new DitSpec(96, 4, 64, 4, 4);
    System.out.printf(
        "DiT forward+backward, batch %d, 1x28x28, %d iterations after 2 warm-up," + " %s threads%n",
        batch, iterations, System.getProperty("ai.djl.pytorch.num_threads", "default"));
    for (DitSpec spec : new DitSpec[] {def, small}) {
      row(spec, shape, DataType.FLOAT32, batch, iterations);
    }
    if (fp16) {
      row(small, shape, DataType.FLOAT16, batch, Math.min(iterations, 2));
    }
  }

  private static void row(DitSpec spec, int[] shape, DataType type, int batch, int iterations) {
    try (NDManager m = NDManager.newBaseManager()) {
      DitVelocityNet net = new DitVelocityNet(spec, shape);
      net.initialize(m, type, new Shape(batch, 1, 28, 28), new Shape(batch));
      double seconds = time(net, m, type, batch, iterations);
      System.out.printf(
          "  %-7s %-90s %8.1f images/s  (%.3f s/step)%n",
          type == DataType.FLOAT32 ? "fp32" : "fp16",
          net.summary(),
          batch * iterations / seconds,
          seconds / iterations);
    }
  }

  private static double time(
      DitVelocityNet net, NDManager m, DataType type, int batch, int iterations) {
    ParameterStore ps = new ParameterStore(m, false);
    long start = 0;
    for (int i = 0; i < iterations + 2; i++) {
      if (i == 2) {
        start = System.nanoTime();
      }
      try (NDManager step = m.newSubManager()) {
        NDArray x0 = step.randomNormal(new Shape(batch, 1, 28, 28));
        NDArray x1 = step.randomUniform(-1, 1, new Shape(batch, 1, 28, 28));
        NDArray t = step.randomUniform(0, 1, new Shape(batch));
        NDArray tb = t.reshape(batch, 1, 1, 1);
        NDArray xt = x0.mul(tb.neg().add(1)).add(x1.mul(tb)).toType(type, false);
        NDArray target = x1.sub(x0).toType(type, false);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray v = net.forward(ps, new NDList(xt, t), true).head();
          gc.backward(v.sub(target).square().mean());
        }
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
