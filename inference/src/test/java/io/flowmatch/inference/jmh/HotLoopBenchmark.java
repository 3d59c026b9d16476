package io.flowmatch.inference.jmh;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.io.Float16;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.solver.EulerSolver;
import io.flowmatch.inference.solver.TimeGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmarks of the sampling hot loops: float16 conversion at a model's boundary, the
 * Euler step loop of the hand-written solver (on a free analytic field, so only the solver is
 * timed), and one {@link OnnxVelocityField#evaluate} of a small MLP (buffers pinned: the cost is
 * ONNX Runtime's plus the copies in and out).
 *
 * <pre>
 * mvn -B -q -o test-compile -pl inference
 * java -cp inference/target/test-classes:inference/target/classes:$(cat inference/target/test-classpath.txt) \
 *   org.openjdk.jmh.Main HotLoopBenchmark -p batch=256
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotLoopBenchmark {
  @Param({"64", "256"})
  public int batch;

  private float[] x;
  private float[] x0;
  private float[] t;
  private float[] v;
  private short[] halves;
  private final EulerSolver euler = new EulerSolver(20, TimeGrid.UNIFORM);
  private OnnxVelocityField field;
  private Path modelFile;

  /** v = −x: costs next to nothing, so the Euler benchmark times the solver's own loop. */
  private static final VelocityField CONTRACTION =
      new VelocityField() {
        @Override
        public int[] sampleShape() {
          return new int[] {2};
        }

        @Override
        public void evaluate(float[] xs, float[] ts, int n, float[] vs) {
          for (int i = 0; i < 2 * n; i++) {
            vs[i] = -xs[i];
          }
        }
      };

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Random random = new Random(1);
    x0 = new float[batch * 2];
    for (int i = 0; i < x0.length; i++) {
      x0[i] = (float) random.nextGaussian();
    }
    x = x0.clone();
    t = new float[batch];
    v = new float[batch * 2];
    halves = new short[batch * 784];
    modelFile = Files.createTempFile("jmh-mlp", ".onnx");
    Files.write(modelFile, mlp(256));
    field =
        OnnxVelocityField.open(
            modelFile, FieldOptions.defaults().withThreads(1).withMaxBatch(batch));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    field.close();
    Files.deleteIfExists(modelFile);
  }

  /** float → float16 → float for an image batch's worth of values (batch × 784). */
  @Benchmark
  public float float16RoundTrip() {
    float sum = 0;
    for (int i = 0; i < halves.length; i++) {
      halves[i] = Float16.fromFloat(i * 1e-3f - 10f);
    }
    for (short h : halves) {
      sum += Float16.toFloat(h);
    }
    return sum;
  }

  /** 20 Euler steps over the batch on the free field: the solver's overhead per solve. */
  @Benchmark
  public float eulerTwentySteps() {
    System.arraycopy(x0, 0, x, 0, x.length);
    euler.solve(CONTRACTION, x, batch, 0, 1);
    return x[0];
  }

  /** One model call of a 2-256-256-2 MLP through ONNX Runtime, 1 thread. */
  @Benchmark
  public float fieldEvaluate() {
    field.evaluate(x0, t, batch, v);
    return v[0];
  }

  /** v = W3·silu(W2·silu(W1·[x, t])) with random weights. */
  static byte[] mlp(int hidden) {
    Random random = new Random(7);
    OnnxGraphBuilder g = new OnnxGraphBuilder("jmh_mlp");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, 2).input("t", OnnxGraphBuilder.FLOAT, -1);
    g.output("v", OnnxGraphBuilder.FLOAT, -1, 2);
    String col = g.node("Unsqueeze", new String[] {"t", g.longs("axes", new long[] {1}, 1)});
    String h = g.node("Concat", new String[] {"x", col}, OnnxGraphBuilder.attr("axis", 1L));
    int[] sizes = {3, hidden, hidden, 2};
    for (int l = 0; l < 3; l++) {
      float[] w = new float[sizes[l] * sizes[l + 1]];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (random.nextGaussian() / Math.sqrt(sizes[l]));
      }
      String wn = g.floats("w" + l, w, sizes[l], sizes[l + 1]);
      h =
          l == 2
              ? g.nodeNamed("MatMul", "v", new String[] {h, wn})
              : g.node("MatMul", new String[] {h, wn});
      if (l < 2) {
        h = g.node("Mul", new String[] {h, g.node("Sigmoid", new String[] {h})});
      }
    }
    return g.toBytes();
  }
}
