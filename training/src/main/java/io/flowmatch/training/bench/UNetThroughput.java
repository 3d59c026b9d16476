package io.flowmatch.training.bench;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT16;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.ParameterList;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.training.arch.unet.UNetGraph;
import io.flowmatch.training.arch.unet.UNetSpec;
import io.flowmatch.training.arch.unet.UNetVelocityNet;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prints U-Net throughput on 28×28 single-channel images, side by side for three sizes:
 *
 * <ul>
 *   <li>DJL training step (forward + MSE loss + backward, no optimizer) in float32 and, within a
 *       time budget, with a float16 working copy;
 *   <li>ONNX Runtime inference of the exported model (one velocity evaluation), FP32 and FP16.
 * </ul>
 *
 * <p>Usage: {@code java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -cp ...
 * io.flowmatch.training.bench.UNetThroughput [batch=64] [seconds per measurement=3] [rounds=3]
 * [fp16 budget s=60]}. Not a test: the machine is shared, so compare the rows of one run, not runs.
 */
public final class UNetThroughput {
  private UNetThroughput() {}

  public static void main(String[] args) throws Exception {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    double fp16Budget = args.length > 3 ? Double.parseDouble(args[3]) : 60;
    Map<String, UNetSpec> specs = new LinkedHashMap<>();
    specs.put("small", new UNetSpec(16, 1, 64, 4, new int[] {1, 2, 2}, true, 8));
    specs.put("default", UNetSpec.DEFAULTS);
    specs.put("large", new UNetSpec(64, 2, 128, 4, new int[] {1, 2, 2}, true, 8));
    System.out.printf(
        Locale.ROOT,
        "U-Net throughput, batch %d, 1×28×28, DJL threads %s, best of %d rounds of ≥%.0f s; load average %.1f%n",
        batch,
        System.getProperty("ai.djl.pytorch.num_threads", "default"),
        rounds,
        seconds,
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Shape xShape = new Shape(batch, 1, 28, 28);
    try (NDManager manager = NDManager.newBaseManager()) {
      manager.getEngine().setRandomSeed(1);
      Map<String, UNetVelocityNet> nets = new LinkedHashMap<>();
      Map<String, UNetVelocityNet> halves = new LinkedHashMap<>();
      Map<String, double[]> best = new LinkedHashMap<>();
      boolean overBudget = false;
      for (Map.Entry<String, UNetSpec> e : specs.entrySet()) {
        UNetVelocityNet net = new UNetVelocityNet(e.getValue(), 1);
        net.initialize(manager, DataType.FLOAT32, xShape, new Shape(batch));
        nets.put(e.getKey(), net);
        best.put(e.getKey(), new double[4]);
        // float16 working copy, smallest model first: on a CPU without float16 arithmetic one step
        // can take minutes, and once a size exceeds the budget the larger ones are not tried.
        if (!overBudget) {
          UNetVelocityNet half = new UNetVelocityNet(e.getValue(), 1);
          half.initialize(manager, DataType.FLOAT16, xShape, new Shape(batch));
          copy(net.getParameters(), half.getParameters());
          overBudget =
              Double.isNaN(trainRate(manager, half, DataType.FLOAT16, xShape, 0, fp16Budget));
          if (!overBudget) {
            halves.put(e.getKey(), half);
          }
        }
      }
      // Rounds interleave the configurations and the best round counts: on a shared machine other
      // processes only ever slow a measurement down.
      for (int r = 0; r < rounds; r++) {
        for (Map.Entry<String, UNetVelocityNet> e : nets.entrySet()) {
          double[] b = best.get(e.getKey());
          b[0] =
              Math.max(
                  b[0],
                  trainRate(
                      manager, e.getValue(), DataType.FLOAT32, xShape, seconds, Double.MAX_VALUE));
          UNetVelocityNet half = halves.get(e.getKey());
          if (half != null) {
            b[1] =
                Math.max(
                    b[1],
                    trainRate(manager, half, DataType.FLOAT16, xShape, seconds, Double.MAX_VALUE));
          }
          b[2] = Math.max(b[2], ortRate(e.getValue(), batch, FLOAT, seconds));
          b[3] = Math.max(b[3], ortRate(e.getValue(), batch, FLOAT16, seconds));
        }
      }
      System.out.println(
          "model    parameters   djl fp32 train   djl fp16 train   fp16/fp32   ort fp32 infer   ort fp16 infer   (images/s)");
      for (Map.Entry<String, UNetVelocityNet> e : nets.entrySet()) {
        double[] b = best.get(e.getKey());
        boolean half = halves.containsKey(e.getKey());
        System.out.printf(
            Locale.ROOT,
            "%-8s %,10d   %14.1f   %14s   %9s   %14.1f   %14.1f%n",
            e.getKey(),
            e.getValue().parameterCount(),
            b[0],
            half ? Numbers.fixed(b[1], 1) : "over budget",
            half ? Numbers.fixed(b[1] / b[0], 2) : "-",
            b[2],
            b[3]);
      }
    }
  }

  /**
   * Images per second of forward + backward; one warm-up step, then steps until {@code seconds}.
   * Returns NaN if the warm-up step alone exceeds {@code budget} seconds.
   */
  private static double trainRate(
      NDManager manager,
      UNetVelocityNet net,
      DataType type,
      Shape xShape,
      double seconds,
      double budget) {
    Random random = new Random(2);
    long batch = xShape.get(0);
    float[] x = gaussian(random, (int) xShape.size());
    float[] target = gaussian(random, (int) xShape.size());
    float[] t = new float[(int) batch];
    for (int i = 0; i < t.length; i++) {
      t[i] = random.nextFloat();
    }
    long start = System.nanoTime();
    step(manager, net, type, xShape, x, target, t);
    if ((System.nanoTime() - start) / 1e9 > budget) {
      return Double.NaN;
    }
    int steps = 0;
    start = System.nanoTime();
    double elapsed;
    do {
      step(manager, net, type, xShape, x, target, t);
      steps++;
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < seconds);
    return steps * batch / elapsed;
  }

  private static void step(
      NDManager manager,
      UNetVelocityNet net,
      DataType type,
      Shape xShape,
      float[] x,
      float[] target,
      float[] t) {
    try (NDManager sub = manager.newSubManager()) {
      NDArray xs = sub.create(x, xShape).toType(type, false);
      NDArray ys = sub.create(target, xShape).toType(type, false);
      NDArray ts = sub.create(t);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray v =
            net.forward(new ParameterStore(sub, false), new NDList(xs, ts), true)
                .singletonOrThrow();
        collector.backward(v.sub(ys).square().mean());
      }
    }
  }

  private static void copy(ParameterList from, ParameterList to) {
    for (int i = 0; i < from.size(); i++) {
      NDArray target = to.get(i).getValue().getArray();
      try (NDArray converted =
          from.get(i).getValue().getArray().toType(target.getDataType(), true)) {
        target.set(converted.toByteBuffer());
      }
    }
  }

  /** Images per second of one ORT velocity evaluation (all optimisations, 2 threads). */
  private static double ortRate(UNetVelocityNet net, int batch, int elemType, double seconds)
      throws Exception {
    int[] sample = {1, 28, 28};
    OnnxGraphBuilder g = new OnnxGraphBuilder("unet");
    g.input(ModelMetadata.INPUT_X, FLOAT, -1, 1, 28, 28);
    g.input(ModelMetadata.INPUT_T, FLOAT, -1);
    String x =
        elemType == FLOAT
            ? ModelMetadata.INPUT_X
            : g.node("Cast", new String[] {ModelMetadata.INPUT_X}, attr("to", (long) elemType));
    String v = UNetGraph.add(g, net, net.spec(), sample, x, ModelMetadata.INPUT_T, elemType);
    g.nodeNamed(
        elemType == FLOAT ? "Identity" : "Cast",
        ModelMetadata.OUTPUT_V,
        new String[] {v},
        elemType == FLOAT
            ? new ai.onnx.proto.OnnxMl.AttributeProto[0]
            : new ai.onnx.proto.OnnxMl.AttributeProto[] {attr("to", (long) FLOAT)});
    g.output(ModelMetadata.OUTPUT_V, FLOAT, -1, 1, 28, 28);
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    Random random = new Random(3);
    float[] xs = gaussian(random, batch * 784);
    float[] ts = new float[batch];
    try (OrtSessions.Session opened =
        OrtSessions.open(g.toBytes(), OrtSessions.settings().threads(2))) {
      OrtSession session = opened.session();
      try (OnnxTensor xt =
              OnnxTensor.createTensor(env, FloatBuffer.wrap(xs), new long[] {batch, 1, 28, 28});
          OnnxTensor tt = OnnxTensor.createTensor(env, FloatBuffer.wrap(ts), new long[] {batch})) {
        Map<String, OnnxTensor> inputs =
            Map.of(ModelMetadata.INPUT_X, xt, ModelMetadata.INPUT_T, tt);
        session.run(inputs).close();
        int runs = 0;
        long start = System.nanoTime();
        double elapsed;
        do {
          session.run(inputs).close();
          runs++;
          elapsed = (System.nanoTime() - start) / 1e9;
        } while (elapsed < seconds);
        return runs * (double) batch / elapsed;
      }
    }
  }

  private static float[] gaussian(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }
}
