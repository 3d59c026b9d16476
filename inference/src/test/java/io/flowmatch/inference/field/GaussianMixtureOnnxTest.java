package io.flowmatch.inference.field;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.io.Float16;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX Gaussian-mixture graphs against the same formulas evaluated in double precision. */
class GaussianMixtureOnnxTest {
  static final GaussianMixture GMM8 = GaussianMixture.circle(8, 4, 0.5);

  @TempDir Path dir;

  /**
   * n points: the first half on the OT path itself (x = (1 − t) x0 + t x1, x1 drawn from the
   * mixture, where sampling visits), the rest uniform in the box of the data range (off-path).
   * Times are uniform in [0, 1] with t = 0 and t = 1 included exactly.
   */
  static void points(GaussianMixture gmm, int n, long seed, float[] x, float[] t) {
    points(gmm, n, seed, 1.0, x, t);
  }

  /** As above, with the off-path box {@code box} times the data range. */
  static void points(GaussianMixture gmm, int n, long seed, double box, float[] x, float[] t) {
    SplittableRandom r = new SplittableRandom(seed);
    int d = gmm.dimension();
    double[] x1 = new double[d];
    double half = box * gmm.extent();
    for (int i = 0; i < n; i++) {
      double ti = i == 0 ? 0.0 : i == 1 ? 1.0 : r.nextDouble();
      t[i] = (float) ti;
      if (i < n / 2) {
        gmm.sample(r, x1);
        for (int j = 0; j < d; j++) {
          double x0 = gaussian(r);
          x[i * d + j] = (float) ((1 - t[i]) * x0 + t[i] * x1[j]);
        }
      } else {
        for (int j = 0; j < d; j++) {
          x[i * d + j] = (float) ((2 * r.nextDouble() - 1) * half);
        }
      }
    }
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  /** max over samples of |v − ref| / max(|ref|, 1) (Euclidean norms per sample). */
  static double maxRelError(float[] v, float[] ref, int n, int d) {
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double diff = 0;
      double norm = 0;
      for (int j = 0; j < d; j++) {
        double e = v[i * d + j] - ref[i * d + j];
        diff += e * e;
        norm += (double) ref[i * d + j] * ref[i * d + j];
      }
      worst = Math.max(worst, Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1.0));
    }
    return worst;
  }

  /** The model's velocities at (x, t) for n samples, through a freshly opened field. */
  static float[] velocities(Path model, float[] x, float[] t, int n) {
    float[] v = new float[x.length];
    try (OnnxVelocityField f = OnnxVelocityField.open(model, FieldOptions.defaults())) {
      f.evaluate(x, t, n, v);
    }
    return v;
  }

  @Test
  void gmm8OnnxEqualsDoublePrecisionFormula() {
    int n = 4000;
    float[] x = new float[2 * n];
    float[] t = new float[n];
    points(GMM8, n, 42, x, t);
    float[] v = new float[2 * n];
    float[] ref = new float[2 * n];
    new GaussianMixtureField(GMM8).evaluate(x, t, n, ref);
    try (OnnxVelocityField f =
        OnnxVelocityField.open(
            TestModels.gmm(GMM8, false, dir, "gmm8.onnx"), FieldOptions.defaults())) {
      f.evaluate(x, t, n, v);
      assertEquals("float32", f.inputType());
      assertArrayEquals(new int[] {2}, f.sampleShape());
    }
    double err = maxRelError(v, ref, n, 2);
    System.out.println("gmm8 onnx vs double: max rel error " + err);
    assertTrue(err <= 1e-5, "max relative error " + err);
  }

  /**
   * Far outside the data (a box twice the data range) the posterior is ill-conditioned in float32:
   * logits reach ~100 there, where float32's spacing is 7.6e-6, and a weight error of that size
   * moves v by about w(1 − w)|μ_a − μ_b| ≈ 0.25 · 3 times it. The bound is 5e-5 (measured 1.5e-5).
   */
  @Test
  void gmm8FarFromTheDataStaysWithinFloat32Conditioning() {
    int n = 4000;
    float[] x = new float[2 * n];
    float[] t = new float[n];
    points(GMM8, n, 42, 2.0, x, t);
    float[] ref = new float[2 * n];
    new GaussianMixtureField(GMM8).evaluate(x, t, n, ref);
    float[] v = velocities(TestModels.gmm(GMM8, false, dir, "gmm8.onnx"), x, t, n);
    double err = maxRelError(v, ref, n, 2);
    System.out.println("gmm8 onnx vs double, 2x data box: max rel error " + err);
    assertTrue(err <= 5e-5, "max relative error " + err);
  }

  /** Unequal weights and stds in 3-D: the log-normaliser and per-component variances matter. */
  @Test
  void generalMixtureEqualsDoublePrecisionFormula() {
    GaussianMixture gmm =
        new GaussianMixture(
            new double[][] {{1, 0, -1}, {-2, 1.5, 0.5}, {0.3, -2, 2}},
            new double[] {0.2, 0.8, 0.45},
            new double[] {0.5, 0.2, 0.3});
    int n = 3000;
    float[] x = new float[3 * n];
    float[] t = new float[n];
    points(gmm, n, 11, x, t);
    float[] ref = new float[3 * n];
    new GaussianMixtureField(gmm).evaluate(x, t, n, ref);
    float[] v = velocities(TestModels.gmm(gmm, false, dir, "g3.onnx"), x, t, n);
    double err = maxRelError(v, ref, n, 3);
    System.out.println("general 3-d mixture onnx vs double: max rel error " + err);
    assertTrue(err <= 1e-5, "max relative error " + err);
  }

  /** Every t in [0, 1] on a fine grid, including t = 1 and the variance minimum 1/(1 + s²). */
  @Test
  void finiteAtEveryTimeIncludingTheEnds() {
    int n = 1001 + 1;
    float[] x = new float[2 * n];
    float[] t = new float[n];
    for (int i = 0; i <= 1000; i++) {
      t[i] = i / 1000f;
      x[2 * i] = 4f;
      x[2 * i + 1] = 0f;
    }
    t[1001] = (float) (1 / (1 + 0.25));
    float[] ref = new float[2 * n];
    new GaussianMixtureField(GMM8).evaluate(x, t, n, ref);
    float[] v = velocities(TestModels.gmm(GMM8, false, dir, "gmm8.onnx"), x, t, n);
    for (int i = 0; i < v.length; i++) {
      assertTrue(Float.isFinite(v[i]), "v[" + i + "] = " + v[i]);
    }
    assertTrue(maxRelError(v, ref, n, 2) <= 1e-5);
    // at t = 1 the point (4, 0) sits on the mean of component 0: v = μ_0 + (s² − 0)/s² (x − μ_0) =
    // x
    assertEquals(4f, v[2 * 1000], 1e-5f);
    assertEquals(0f, v[2 * 1000 + 1], 1e-5f);
  }

  @Test
  void singleGaussianGraphEqualsExactVelocity() {
    double[] mean = {1.5, -2.0, 0.25};
    double std = 0.3;
    GaussianMixture one =
        new GaussianMixture(new double[][] {mean}, new double[] {std}, new double[] {1});
    GaussianTargetField exact = new GaussianTargetField(mean, std);
    int n = 1000;
    float[] x = new float[3 * n];
    float[] t = new float[n];
    points(one, n, 7, x, t);
    float[] v = new float[3 * n];
    float[] ref = new float[3 * n];
    exact.evaluate(x, t, n, ref);
    try (OnnxVelocityField f =
        OnnxVelocityField.open(
            TestModels.gmm(one, false, dir, "k1.onnx"), FieldOptions.defaults())) {
      assertArrayEquals(new int[] {3}, f.sampleShape());
      f.evaluate(x, t, n, v);
    }
    double err = maxRelError(v, ref, n, 3);
    System.out.println("single gaussian onnx vs exact: max rel error " + err);
    assertTrue(err <= 1e-5, "max relative error " + err);
  }

  /**
   * The float16 model computes in float32 between a cast of x to float32 and a cast of v to
   * float16, so it must equal its float32 twin evaluated at the float16-rounded x, rounded to
   * float16: within half a float16 ulp of the twin's output (2^-11 relative) plus the twin's own
   * float32 noise. We allow one float16 ulp of |v| (2^-10 relative, 2^-24 absolute near zero).
   */
  @Test
  void fp16ModelAgreesWithFp32TwinToHalfPrecision() {
    int n = 2000;
    float[] x = new float[2 * n];
    float[] t = new float[n];
    points(GMM8, n, 3, x, t);
    float[] xHalf = new float[2 * n];
    for (int i = 0; i < x.length; i++) {
      xHalf[i] = Float16.round(x[i]);
    }
    float[] v16 = new float[2 * n];
    float[] v32 = new float[2 * n];
    try (OnnxVelocityField f16 =
            OnnxVelocityField.open(
                TestModels.gmm(GMM8, true, dir, "h.onnx"), FieldOptions.defaults());
        OnnxVelocityField f32 =
            OnnxVelocityField.open(
                TestModels.gmm(GMM8, false, dir, "f.onnx"), FieldOptions.defaults())) {
      assertEquals("float16", f16.inputType());
      assertEquals("fp16", f16.metadata().get(ModelMetadata.PRECISION));
      f16.evaluate(x, t, n, v16);
      f32.evaluate(xHalf, t, n, v32);
    }
    int exact = 0;
    double worstUlps = 0;
    for (int i = 0; i < v16.length; i++) {
      double ulp = Math.max(Math.ulp(Float16.round(v32[i])) * 8192.0, 0x1p-24); // one fp16 ulp
      double ulps = Math.abs(v16[i] - v32[i]) / ulp;
      worstUlps = Math.max(worstUlps, ulps);
      if (v16[i] == Float16.round(v32[i])) {
        exact++;
      }
      assertTrue(ulps <= 1.0, "element " + i + ": fp16 " + v16[i] + " vs fp32 twin " + v32[i]);
    }
    System.out.printf(
        "fp16 vs fp32 twin: worst %.3f fp16 ulps, %d of %d equal after rounding%n",
        worstUlps, exact, v16.length);
  }
}
