package io.flowmatch.inference.jvp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The derived JVP graph of every shipped model against known answers and central differences. */
class JvpModelTest {
  static final FieldOptions OPTIONS = FieldOptions.defaults().withThreads(1);

  /** Random x, u (std {@code scale}, 1) and t spread over (0, 1). */
  record Batch(float[] x, float[] t, float[] u, int n) {
    static Batch random(int n, int size, double scale, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      float[] x = new float[n * size];
      float[] u = new float[n * size];
      float[] t = new float[n];
      for (int i = 0; i < n * size; i++) {
        x[i] = (float) (random.nextGaussian() * scale);
        u[i] = (float) random.nextGaussian();
      }
      for (int i = 0; i < n; i++) {
        t[i] = (float) (0.05 + 0.9 * i / Math.max(1, n - 1));
      }
      return new Batch(x, t, u, n);
    }
  }

  /**
   * gmm8 against the mixture's exact velocity in double precision, differentiated by central
   * differences in double (ε = 1e-6: truncation ~1e-12, rounding ~1e-10): the graph's float32
   * arithmetic is all that separates them.
   */
  @Test
  void gmm8MatchesDoublePrecisionDifferencesOfTheExactField() {
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    try (JvpModel jvp = JvpModel.open(Path.of("..", "models", "gmm8.onnx"), OPTIONS)) {
      Batch b = Batch.random(40, 2, 2.5, 3);
      float[] v = new float[b.n * 2];
      float[] product = new float[b.n * 2];
      jvp.evaluate(b.x, b.t, b.u, b.n, v, product);
      double worst = 0;
      double h = 1e-6;
      double[] plus = new double[2];
      double[] minus = new double[2];
      double[] scratch = new double[8];
      for (int i = 0; i < b.n; i++) {
        double[] xp = new double[2];
        double[] xm = new double[2];
        for (int j = 0; j < 2; j++) {
          xp[j] = b.x[2 * i + j] + h * b.u[2 * i + j];
          xm[j] = b.x[2 * i + j] - h * b.u[2 * i + j];
        }
        gmm.velocity(xp, b.t[i], plus, scratch);
        gmm.velocity(xm, b.t[i], minus, scratch);
        double diff = 0;
        double norm = 0;
        for (int j = 0; j < 2; j++) {
          double exact = (plus[j] - minus[j]) / (2 * h);
          diff += (product[2 * i + j] - exact) * (product[2 * i + j] - exact);
          norm += exact * exact;
        }
        worst = Math.max(worst, Math.sqrt(diff / norm));
      }
      System.out.printf(
          "gmm8.onnx: JVP graph vs double-precision differences of the exact field:"
              + " max relative error %.2e over %d points%n",
          worst, b.n);
      assertTrue(worst < 1e-4, "relative error " + worst);
    }
  }

  /**
   * Five-point central differences of the float32 model: their rounding (~6e-8·|v|/ε) limits the
   * check to ~1e-4 for the sharp checkerboard MLP; the DiT agrees to ~4e-5.
   */
  @ParameterizedTest
  @CsvSource({"checkerboard-mlp.onnx, 2.0, 2e-3", "fashion-mnist-dit.onnx, 0.7, 2e-4"})
  void jvpGraphMatchesCentralDifferences(String name, double scale, double tolerance) {
    try (JvpModel jvp = JvpModel.open(Path.of("..", "models", name), OPTIONS)) {
      OnnxVelocityField field = jvp.field();
      Batch b = Batch.random(6, field.sampleSize(), scale, 7);
      double error = JvpCheck.maxRelativeError(jvp, field, b.x, b.t, b.u, b.n, 1e-2);
      System.out.printf(
          "%s: JVP graph vs 5-point central differences (eps 1e-2): max relative" + " error %.2e%n",
          name, error);
      assertTrue(error < tolerance, name + ": relative error " + error);

      // the derived model's v is the plain model's v
      int len = b.n * field.sampleSize();
      float[] v = new float[len];
      float[] product = new float[len];
      float[] plain = new float[len];
      jvp.evaluate(b.x, b.t, b.u, b.n, v, product);
      field.evaluate(b.x, b.t, b.n, plain);
      assertArrayEquals(plain, v, 1e-5f * maxAbs(plain));
    }
  }

  /** float16 models: the tangent agrees with the float32 twin's to float16 precision. */
  @ParameterizedTest
  @CsvSource({"gmm8, 2.5", "checkerboard-mlp, 2.0"})
  void float16JvpMatchesTheFloat32Twin(String name, double scale) {
    try (JvpModel half = JvpModel.open(Path.of("..", "models", name + "-fp16.onnx"), OPTIONS);
        JvpModel full = JvpModel.open(Path.of("..", "models", name + ".onnx"), OPTIONS)) {
      Batch b = Batch.random(6, 2, scale, 11);
      // both see the same float16-representable x and u
      for (int i = 0; i < b.x.length; i++) {
        b.x[i] =
            io.flowmatch.inference.io.Float16.toFloat(
                io.flowmatch.inference.io.Float16.fromFloat(b.x[i]));
        b.u[i] =
            io.flowmatch.inference.io.Float16.toFloat(
                io.flowmatch.inference.io.Float16.fromFloat(b.u[i]));
      }
      float[] v = new float[12];
      float[] a = new float[12];
      float[] c = new float[12];
      half.evaluate(b.x, b.t, b.u, b.n, v, a);
      full.evaluate(b.x, b.t, b.u, b.n, v, c);
      double diff = 0;
      double norm = 0;
      for (int i = 0; i < 12; i++) {
        diff += (a[i] - c[i]) * (a[i] - c[i]);
        norm += c[i] * c[i];
      }
      double rel = Math.sqrt(diff / norm);
      System.out.printf(
          "%s-fp16.onnx: JVP vs the float32 twin's: relative error %.2e%n", name, rel);
      assertTrue(rel < 2e-2, "relative error " + rel);
    }
  }

  /** A model with an op that has no tangent rule fails with one error naming the op. */
  @Test
  void unsupportedOpIsNamed(@TempDir Path dir) throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("hard");
    g.input("x", OnnxGraphBuilder.FLOAT, -1, 2)
        .input("t", OnnxGraphBuilder.FLOAT, -1)
        .output("v", OnnxGraphBuilder.FLOAT, -1, 2);
    g.nodeNamed("HardSwish", "v", new String[] {"x"});
    Path model = dir.resolve("hard.onnx");
    g.save(model);
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> JvpModel.open(model, OPTIONS));
    assertEquals(ErrorKind.UNSUPPORTED, e.kind());
    assertEquals(
        "jvp: no tangent rule for op HardSwish on the path from x to v; use --jvp"
            + " finite-difference (approximate)",
        e.getMessage());
  }

  static float maxAbs(float[] a) {
    float m = 0;
    for (float f : a) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }
}
