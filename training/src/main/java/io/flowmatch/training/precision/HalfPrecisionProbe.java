package io.flowmatch.training.precision;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Measures, once per device and JVM, how fast each {@link OpClass} runs forward and backward in
 * float16 relative to float32. The workloads are small (a few MFLOP) so that the probe stays well
 * under a second even where float16 is two orders of magnitude slower (a CPU without AVX512-FP16).
 */
public final class HalfPrecisionProbe {
  private static final Map<String, Map<OpClass, Double>> CACHE = new ConcurrentHashMap<>();
  private static final int REPEATS = 5;

  private HalfPrecisionProbe() {}

  /** float32 time / float16 time per op class on {@code device} (above 1: float16 is faster). */
  public static Map<OpClass, Double> speedups(Device device) {
    return CACHE.computeIfAbsent(device.toString(), k -> measure(device));
  }

  private static Map<OpClass, Double> measure(Device device) {
    Map<OpClass, Double> out = new EnumMap<>(OpClass.class);
    try (NDManager manager = NDManager.newBaseManager(device)) {
      for (OpClass op : OpClass.values()) {
        double t32 = bestTime(manager, op, DataType.FLOAT32);
        double t16 = bestTime(manager, op, DataType.FLOAT16);
        out.put(op, t32 / t16);
      }
    }
    return out;
  }

  /** The fastest of a few forward+backward passes (after one warm-up), in seconds. */
  private static double bestTime(NDManager parent, OpClass op, DataType type) {
    double best = Double.POSITIVE_INFINITY;
    for (int r = 0; r <= REPEATS; r++) {
      try (NDManager m = parent.newSubManager()) {
        NDList inputs = inputs(m, op, type);
        long start = System.nanoTime();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray y = run(op, inputs);
          gc.backward(y.sum()); // no cast: DJL does not record casts in autograd
        }
        // the gradient read waits for the device (CUDA runs asynchronously)
        inputs.get(0).getGradient().sum().getFloat();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (r > 0) {
          best = Math.min(best, seconds);
        }
      }
    }
    return best;
  }

  /** Leaf arrays of the workload, created in {@code type} so that they receive gradients. */
  private static NDList inputs(NDManager m, OpClass op, DataType type) {
    NDList list =
        switch (op) {
          case MATMUL ->
              new NDList(m.randomNormal(new Shape(256, 128)), m.randomNormal(new Shape(128, 128)));
          case CONV ->
              new NDList(
                  m.randomNormal(new Shape(4, 16, 16, 16)),
                  m.randomNormal(new Shape(16, 16, 3, 3)).mul(0.1f));
          case NORM -> new NDList(m.randomNormal(new Shape(64, 49, 128)));
        };
    NDList typed = new NDList();
    for (NDArray a : list) {
      NDArray t = a.toType(type, true);
      t.setRequiresGradient(true);
      typed.add(t);
    }
    return typed;
  }

  private static NDArray run(OpClass op, NDList in) {
    return switch (op) {
      case MATMUL -> in.get(0).matMul(in.get(1));
      case CONV ->
          Conv2d.conv2d(in.get(0), in.get(1), null, new Shape(1, 1), new Shape(1, 1)).head();
      case NORM -> {
        NDArray x = in.get(0);
        NDManager m = x.getManager();
        NDArray gamma = m.ones(new Shape(128), x.getDataType());
        NDArray beta = m.zeros(new Shape(128), x.getDataType());
        yield x.getNDArrayInternal().layerNorm(x, new Shape(128), gamma, beta, 1e-6f).head();
      }
    };
  }
}
