package io.flowmatch.inference.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Prints, for batch 1, 64 and 256 and every solver, the time spent inside the model against the
 * total solve time: the share outside the model is the solver's overhead. The field is an ONNX MLP
 * 2 → 256 → 256 → 256 → 2 (Gelu, random weights, time as an input feature) run through ONNX Runtime
 * with pre-allocated direct buffers and pinned outputs, so its cost per call is realistic for a
 * small 2-D model.
 *
 * <p>Each row is the median over {@code repeats} solves, taken round-robin over the solvers so that
 * load from other processes affects every row alike; "outside" is the median of (total − model) per
 * solve, over the median total.
 *
 * <p>Run: {@code mvn -B -q -o test-compile -pl inference && java -cp
 * inference/target/test-classes:inference/target/classes:$(cat inference/target/classpath.txt)
 * io.flowmatch.inference.bench.SolverOverheadBenchmark [threads] [repeats]}
 */
public final class SolverOverheadBenchmark {
  private static final int HIDDEN = 256;
  private static final int[] BATCHES = {1, 64, 256};

  public static void main(String[] args) throws OrtException {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    List<String[]> configs =
        List.of(
            new String[] {"euler", "20"},
            new String[] {"heun", "10"},
            new String[] {"midpoint", "10"},
            new String[] {"rk4", "5"},
            new String[] {"cm-euler", "20"},
            new String[] {"cm-midpoint", "10"},
            new String[] {"cm-rk4", "5"},
            new String[] {"dopri5", "1e-4"},
            new String[] {"dop853", "1e-4"},
            new String[] {"gbs", "1e-4"},
            new String[] {"adams", "1e-4"},
            new String[] {"dopri5-batch", "1e-4"});
    try (OrtMlpField field = new OrtMlpField(mlp(HIDDEN, 7), threads, 256)) {
      System.out.printf(
          Locale.ROOT,
          "ONNX MLP 2-%d-%d-%d-2 (Gelu), ONNX Runtime CPU, %d intra-op thread(s); medians of %d"
              + " solves per row (rows interleaved)%n",
          HIDDEN,
          HIDDEN,
          HIDDEN,
          threads,
          repeats);
      // warm-up: every solver at every batch size, until the JIT has compiled the step loops
      for (int pass = 0; pass < 3; pass++) {
        for (int batch : BATCHES) {
          float[] noise = noise(batch, 1);
          for (String[] config : configs) {
            OdeSolver solver = solver(config[0], config[1]);
            for (int w = 0; w < 5; w++) {
              solver.solve(field, noise.clone(), batch, 0, 1);
            }
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-13s %-7s %6s %8s %10s %10s %10s %9s%n",
          "solver",
          "setting",
          "batch",
          "NFE",
          "total ms",
          "model ms",
          "outside ms",
          "outside");
      for (int batch : BATCHES) {
        float[] noise = noise(batch, 1);
        float[] x = new float[noise.length];
        int rows = configs.size();
        long[][] totals = new long[rows][repeats];
        long[][] outside = new long[rows][repeats];
        long[][] model = new long[rows][repeats];
        SolveResult[] last = new SolveResult[rows];
        // round-robin over the solvers, so that load from other processes hits all rows alike
        for (int r = 0; r < repeats; r++) {
          for (int c = 0; c < rows; c++) {
            OdeSolver solver = solver(configs.get(c)[0], configs.get(c)[1]);
            System.arraycopy(noise, 0, x, 0, x.length);
            long start = System.nanoTime();
            last[c] = solver.solve(field, x, batch, 0, 1);
            totals[c][r] = System.nanoTime() - start;
            model[c][r] = last[c].modelNanos();
            outside[c][r] = totals[c][r] - model[c][r];
          }
        }
        for (int c = 0; c < rows; c++) {
          double total = median(totals[c]);
          double out = median(outside[c]);
          System.out.printf(
              Locale.ROOT,
              "%-13s %-7s %6d %8s %10.3f %10.3f %10.3f %8.1f%%%n",
              configs.get(c)[0],
              configs.get(c)[1],
              batch,
              nfe(last[c]),
              total / 1e6,
              median(model[c]) / 1e6,
              out / 1e6,
              100.0 * out / total);
        }
      }
    }
  }

  /** Median of per-solve times: robust to the odd solve slowed by other processes. */
  private static double median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2.0;
  }

  private static String nfe(SolveResult r) {
    return r.minNfe() == r.maxNfe()
        ? Integer.toString(r.maxNfe())
        : String.format(Locale.ROOT, "%.1f", r.meanNfe());
  }

  private static OdeSolver solver(String name, String setting) {
    return Solvers.isAdaptive(name)
        ? Solvers.create(
            name, SolverSettings.adaptive(Double.parseDouble(setting), Double.parseDouble(setting)))
        : Solvers.create(name, SolverSettings.fixed(Integer.parseInt(setting)));
  }

  private static float[] noise(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[2 * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  /** v = MLP([x, t]) with three hidden Gelu layers and He-style random weights. */
  static byte[] mlp(int hidden, long seed) {
    Random random = new Random(seed);
    OnnxGraphBuilder g = new OnnxGraphBuilder("benchmark_mlp");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, 2);
    g.input("t", OnnxGraphBuilder.FLOAT, -1);
    g.output("v", OnnxGraphBuilder.FLOAT, -1, 2);
    String axes = g.longs("axes", new long[] {1}, 1);
    String column = g.node("Unsqueeze", new String[] {"t", axes});
    String h = g.node("Concat", new String[] {"x", column}, OnnxGraphBuilder.attr("axis", 1L));
    int[] widths = {3, hidden, hidden, hidden, 2};
    for (int layer = 0; layer < 4; layer++) {
      int in = widths[layer];
      int out = widths[layer + 1];
      float[] w = new float[in * out];
      double scale = Math.sqrt(2.0 / in) * (layer == 3 ? 0.5 : 1);
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (random.nextGaussian() * scale);
      }
      float[] b = new float[out];
      for (int i = 0; i < b.length; i++) {
        b[i] = (float) (0.1 * random.nextGaussian());
      }
      String weight = g.floats("w" + layer, w, in, out);
      String bias = g.floats("b" + layer, b, out);
      if (layer == 3) {
        g.nodeNamed("Gemm", "v", new String[] {h, weight, bias});
      } else {
        h = g.node("Gelu", new String[] {g.node("Gemm", new String[] {h, weight, bias})});
      }
    }
    return g.toBytes();
  }

  /**
   * A velocity field over an ONNX session with inputs x [N, 2], t [N] and output v [N, 2]. Direct
   * buffers are allocated once for the largest batch; tensors over them are made once per batch
   * size and the output is pinned, so a call copies x and t in and v out, nothing else.
   */
  static final class OrtMlpField implements VelocityField {
    private final OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    private final OrtSessions.Session session;
    private final FloatBuffer xBuffer;
    private final FloatBuffer tBuffer;
    private final FloatBuffer vBuffer;
    private final Map<Integer, OnnxTensor[]> tensorsBySize = new HashMap<>();

    OrtMlpField(byte[] model, int threads, int maxBatch) throws OrtException {
      session = OrtSessions.open(model, OrtSessions.settings().threads(threads).interOpThreads(1));
      xBuffer = direct(2 * maxBatch);
      tBuffer = direct(maxBatch);
      vBuffer = direct(2 * maxBatch);
    }

    private static FloatBuffer direct(int floats) {
      return ByteBuffer.allocateDirect(4 * floats).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public int[] sampleShape() {
      return new int[] {2};
    }

    @Override
    public void evaluate(float[] x, float[] t, int n, float[] v) {
      OnnxTensor[] tensors = tensorsBySize.computeIfAbsent(n, this::tensors);
      xBuffer.put(0, x, 0, 2 * n);
      tBuffer.put(0, t, 0, n);
      try (OrtSession.Result ignored =
          session
              .session()
              .run(Map.of("x", tensors[0], "t", tensors[1]), Map.of("v", tensors[2]))) {
        vBuffer.get(0, v, 0, 2 * n);
      } catch (OrtException e) {
        throw new IllegalStateException("benchmark model failed: " + e.getMessage(), e);
      }
    }

    private OnnxTensor[] tensors(int n) {
      try {
        return new OnnxTensor[] {
          OnnxTensor.createTensor(env, xBuffer.slice(0, 2 * n), new long[] {n, 2}),
          OnnxTensor.createTensor(env, tBuffer.slice(0, n), new long[] {n}),
          OnnxTensor.createTensor(env, vBuffer.slice(0, 2 * n), new long[] {n, 2}),
        };
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() {
      for (OnnxTensor[] tensors : tensorsBySize.values()) {
        for (OnnxTensor tensor : tensors) {
          tensor.close();
        }
      }
      session.close();
    }
  }
}
