package io.flowmatch.inference.perf;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The measured float32 matmul peak of this machine through ONNX Runtime Java: a chain of {@code
 * layers} MatMuls {@code [rows × size] · [size × size]}, run on the CPU provider with the given
 * intra-op threads. It is the ceiling a model's achieved GFLOP/s is compared with.
 */
public final class MatmulPeak {
  private MatmulPeak() {}

  /**
   * A peak measurement.
   *
   * @param gflops median GFLOP/s over the timed runs
   * @param bestGflops fastest timed run
   * @param flopsPerRun FLOPs of one run of the chain
   * @param runs timed runs
   */
  public record Result(double gflops, double bestGflops, long flopsPerRun, int runs) {}

  /** The default chain: 8 × (256×1024 · 1024×1024), 4.3 GFLOP per run. */
  public static Result measure(int threads, int runs) throws OrtException {
    return measure(256, 1024, 8, threads, runs);
  }

  /**
   * The int8 peak: the same chain with every MatMul as {@code com.microsoft:DynamicQuantizeMatMul}
   * (uint8 activations quantised per call, int8 weights per column), the kernel flowmatch's int8
   * models run. FLOPs are counted as for float32 (2·rows·size² per layer), so the two peaks compare
   * directly; the ratio says whether int8 pays on this CPU (VNNI/AMX).
   */
  public static Result measureInt8(int threads, int runs) throws OrtException {
    return measure(256, 1024, 8, threads, runs, true);
  }

  /**
   * Runs the float32 chain {@code runs} times after two warm-up runs.
   *
   * @param threads ONNX Runtime intra-op threads (0 = its default)
   */
  public static Result measure(int rows, int size, int layers, int threads, int runs)
      throws OrtException {
    return measure(rows, size, layers, threads, runs, false);
  }

  private static Result measure(int rows, int size, int layers, int threads, int runs, boolean int8)
      throws OrtException {
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    byte[] model = int8 ? chainInt8(size, layers) : chain(size, layers);
    FloatBuffer x =
        ByteBuffer.allocateDirect(rows * size * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < rows * size; i++) {
      x.put(i, (float) (random.nextDouble() * 2 - 1));
    }
    try (OrtSessions.Session opened =
            OrtSessions.open(model, OrtSessions.settings().threads(threads));
        OnnxTensor input = OnnxTensor.createTensor(env, x, new long[] {rows, size})) {
      OrtSession session = opened.session();
      Map<String, OnnxTensor> inputs = Map.of("x", input);
      long[] nanos = new long[runs];
      for (int r = -2; r < runs; r++) {
        long start = System.nanoTime();
        try (OrtSession.Result out = session.run(inputs)) {
          // the result is only timed
        }
        if (r >= 0) {
          nanos[r] = System.nanoTime() - start;
        }
      }
      Arrays.sort(nanos);
      long flops = 2L * rows * size * size * layers;
      double median =
          runs % 2 == 1 ? nanos[runs / 2] : (nanos[runs / 2 - 1] + nanos[runs / 2]) / 2.0;
      return new Result(flops / median, flops / (double) nanos[0], flops, runs);
    }
  }

  /**
   * An open matmul chain that can be timed one run at a time, so that a benchmark can interleave
   * peak runs with the runs it compares against the peak (same machine load for both).
   */
  public static final class Probe implements AutoCloseable {
    private final OrtSessions.Session opened;
    private final OnnxTensor input;
    private final long flops;

    /** The default chain: 8 × (256×1024 · 1024×1024) on {@code threads} intra-op threads. */
    public Probe(int threads) throws OrtException {
      int rows = 256;
      int size = 1024;
      int layers = 8;
      OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
      opened = OrtSessions.open(chain(size, layers), OrtSessions.settings().threads(threads));
      try {
        FloatBuffer x =
            ByteBuffer.allocateDirect(rows * size * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        input = OnnxTensor.createTensor(env, x, new long[] {rows, size});
      } catch (OrtException | RuntimeException e) {
        opened.close();
        throw e;
      }
      flops = 2L * rows * size * size * layers;
    }

    /** FLOPs of one run. */
    public long flops() {
      return flops;
    }

    /** Runs the chain once; returns its wall time in nanoseconds. */
    public long runOnce() throws OrtException {
      long start = System.nanoTime();
      try (OrtSession.Result out = opened.session().run(Map.of("x", input))) {
        return System.nanoTime() - start;
      }
    }

    @Override
    public void close() {
      try {
        input.close();
      } finally {
        opened.close();
      }
    }
  }

  /** {@link #chain} with int8 weights (per-column scales) in DynamicQuantizeMatMul nodes. */
  static byte[] chainInt8(int size, int layers) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("matmul_peak_int8");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, size);
    g.output("y", OnnxGraphBuilder.FLOAT, -1, size);
    SplittableRandom random = new SplittableRandom(2);
    float[] scales = new float[size];
    java.util.Arrays.fill(scales, (float) (Math.sqrt(3.0 / size) / 127));
    String h = "x";
    for (int l = 0; l < layers; l++) {
      byte[] w = new byte[size * size];
      for (int i = 0; i < w.length; i++) {
        w[i] = (byte) (random.nextInt(255) - 127);
      }
      String name = g.int8s("w" + l, w, size, size);
      String scale = g.floats("s" + l, scales, size);
      String out = l == layers - 1 ? "y" : g.fresh("h");
      g.nodeMulti(
          "DynamicQuantizeMatMul",
          "com.microsoft",
          new String[] {h, name, scale},
          new String[] {out});
      h = out;
    }
    return g.toBytes();
  }

  /**
   * {@code y = x · W1 · W2 · … · W_layers}, weights scaled by 1/√size so the values stay of order
   * one along the chain.
   */
  static byte[] chain(int size, int layers) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("matmul_peak");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, size);
    g.output("y", OnnxGraphBuilder.FLOAT, -1, size);
    SplittableRandom random = new SplittableRandom(2);
    float scale = (float) (Math.sqrt(3.0 / size));
    String h = "x";
    for (int l = 0; l < layers; l++) {
      float[] w = new float[size * size];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
      }
      String name = g.floats("w" + l, w, size, size);
      h =
          l == layers - 1
              ? g.nodeNamed("MatMul", "y", new String[] {h, name})
              : g.node("MatMul", new String[] {h, name});
    }
    return g.toBytes();
  }
}
