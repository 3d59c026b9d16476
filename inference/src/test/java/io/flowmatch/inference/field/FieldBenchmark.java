package io.flowmatch.inference.field;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.analytic.GaussianMixtureGraph;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints the time per model call of {@link OnnxVelocityField#evaluate} (tensors made once over
 * direct buffers, output pinned) next to the plain ONNX Runtime Java way (new input tensors from
 * arrays and a fresh output every call), on the same model, threads and inputs, interleaved.
 *
 * <p>Run: {@code mvn -B -q -o test-compile -pl inference && java -cp
 * inference/target/test-classes:inference/target/classes:$(cat inference/target/classpath.txt)
 * io.flowmatch.inference.field.FieldBenchmark [threads]}
 */
public final class FieldBenchmark {
  private FieldBenchmark() {}

  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    Path dir = Files.createTempDirectory("fieldbench");
    Path gmm = dir.resolve("gmm8.onnx");
    GaussianMixtureGraph.build(GaussianMixture.circle(8, 4, 0.5), false, "gmm8").save(gmm);
    Path mlp = dir.resolve("mlp.onnx");
    mlp(2, 256, 3).save(mlp);
    System.out.printf("threads %d; median of 7 interleaved rounds; µs per model call%n", threads);
    System.out.printf(
        "%-22s %6s %12s %12s %8s%n", "model", "batch", "pinned", "plain ORT", "ratio");
    for (Path model : new Path[] {gmm, mlp}) {
      for (int batch : new int[] {1, 64, 256}) {
        bench(model, batch, threads);
      }
    }
    for (Path p : new Path[] {gmm, mlp}) {
      Files.delete(p);
    }
    Files.delete(dir);
  }

  /** A time-conditioned MLP: [x, t] → hidden (SiLU) × layers → v, random weights. */
  static OnnxGraphBuilder mlp(int dim, int hidden, int layers) {
    SplittableRandom r = new SplittableRandom(1);
    OnnxGraphBuilder g = new OnnxGraphBuilder("mlp");
    g.input("x", FLOAT, -1, dim).input("t", FLOAT, -1).output("v", FLOAT, -1, dim);
    String t = g.node("Unsqueeze", new String[] {"t", g.longs("ax", new long[] {1}, 1)});
    String h = g.node("Concat", new String[] {"x", t}, OnnxGraphBuilder.attr("axis", 1L));
    int in = dim + 1;
    for (int l = 0; l <= layers; l++) {
      int out = l == layers ? dim : hidden;
      float[] w = new float[in * out];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) ((r.nextDouble() * 2 - 1) / Math.sqrt(in));
      }
      h =
          g.node(
              "Gemm",
              new String[] {
                h, g.floats("w" + l, w, in, out), g.floats("b" + l, new float[out], out)
              });
      if (l < layers) {
        h = g.node("Mul", new String[] {h, g.node("Sigmoid", new String[] {h})});
      }
      in = out;
    }
    g.nodeNamed("Identity", "v", new String[] {h});
    return g;
  }

  static void bench(Path model, int batch, int threads) throws Exception {
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[2 * batch];
    float[] t = new float[batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 8 - 4);
    }
    for (int i = 0; i < batch; i++) {
      t[i] = (float) r.nextDouble();
    }
    float[] v = new float[2 * batch];
    int calls = batch == 1 ? 4000 : batch == 64 ? 1500 : 600;
    double[] pinned = new double[7];
    double[] plain = new double[7];
    OrtEnvironment env = OnnxVelocityField.environment();
    try (OnnxVelocityField f =
        OnnxVelocityField.open(model, FieldOptions.defaults().withThreads(threads))) {
      // the plain call's session is made as every flowmatch session is; only the calls differ
      try (OrtSessions.Session plainSession =
          OrtSessions.open(model, OrtSessions.settings().threads(threads))) {
        OrtSession session = plainSession.session();
        for (int warm = 0; warm < 200; warm++) {
          f.evaluate(x, t, batch, v);
          plainCall(env, session, x, t, batch, v);
        }
        for (int round = 0; round < pinned.length; round++) {
          long start = System.nanoTime();
          for (int c = 0; c < calls; c++) {
            f.evaluate(x, t, batch, v);
          }
          pinned[round] = (System.nanoTime() - start) / 1e3 / calls;
          start = System.nanoTime();
          for (int c = 0; c < calls; c++) {
            plainCall(env, session, x, t, batch, v);
          }
          plain[round] = (System.nanoTime() - start) / 1e3 / calls;
        }
      }
    }
    double a = median(pinned);
    double b = median(plain);
    System.out.printf("%-22s %6d %12.2f %12.2f %8.2f%n", model.getFileName(), batch, a, b, b / a);
  }

  /** The usual ORT Java call: tensors from arrays, a result that allocates the output. */
  static void plainCall(
      OrtEnvironment env, OrtSession session, float[] x, float[] t, int n, float[] v)
      throws Exception {
    try (OnnxTensor xt =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(x, 0, 2 * n), new long[] {n, 2});
        OnnxTensor tt = OnnxTensor.createTensor(env, FloatBuffer.wrap(t, 0, n), new long[] {n});
        OrtSession.Result result = session.run(Map.of("x", xt, "t", tt))) {
      ((OnnxTensor) result.get("v").orElseThrow()).getFloatBuffer().get(v, 0, 2 * n);
    }
  }

  static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
