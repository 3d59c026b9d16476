package io.flowmatch.inference.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The shipped default model transports noise to its mixture: integrating its velocity with RK4
 * (written here, independent of the solver package) from N(0, I) gives samples whose component
 * frequencies are 1/8 each and whose squared distance to the nearest mean averages 2 s² = 0.5.
 */
class ShippedModelSamplingTest {
  static final int N = 4000;
  static final int STEPS = 40;

  @Test
  void fp32AndFp16ModelsSampleTheMixture() {
    for (String name : new String[] {"gmm8.onnx", "gmm8-fp16.onnx"}) {
      try (OnnxVelocityField f =
          OnnxVelocityField.open(Path.of("..", "models", name), FieldOptions.defaults())) {
        check(name, sample(f));
      }
    }
  }

  static float[] sample(VelocityField f) {
    SplittableRandom r = new SplittableRandom(2024);
    float[] x = new float[2 * N];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) GaussianMixtureOnnxTest.gaussian(r);
    }
    float[] t = new float[N];
    float[] k1 = new float[2 * N];
    float[] k2 = new float[2 * N];
    float[] k3 = new float[2 * N];
    float[] k4 = new float[2 * N];
    float[] y = new float[2 * N];
    float h = 1f / STEPS;
    for (int s = 0; s < STEPS; s++) {
      float t0 = s * h;
      java.util.Arrays.fill(t, t0);
      f.evaluate(x, t, N, k1);
      java.util.Arrays.fill(t, t0 + h / 2);
      for (int i = 0; i < y.length; i++) {
        y[i] = x[i] + h / 2 * k1[i];
      }
      f.evaluate(y, t, N, k2);
      for (int i = 0; i < y.length; i++) {
        y[i] = x[i] + h / 2 * k2[i];
      }
      f.evaluate(y, t, N, k3);
      java.util.Arrays.fill(t, t0 + h);
      for (int i = 0; i < y.length; i++) {
        y[i] = x[i] + h * k3[i];
      }
      f.evaluate(y, t, N, k4);
      for (int i = 0; i < x.length; i++) {
        x[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      }
    }
    return x;
  }

  static void check(String name, float[] x) {
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    int[] counts = new int[8];
    double sqSum = 0;
    for (int i = 0; i < N; i++) {
      int best = 0;
      double bestSq = Double.MAX_VALUE;
      for (int k = 0; k < 8; k++) {
        double[] mu = gmm.mean(k);
        double dx = x[2 * i] - mu[0];
        double dy = x[2 * i + 1] - mu[1];
        double sq = dx * dx + dy * dy;
        if (sq < bestSq) {
          bestSq = sq;
          best = k;
        }
      }
      counts[best]++;
      sqSum += bestSq;
    }
    double meanSq = sqSum / N;
    System.out.printf(
        "%s: mean squared distance to nearest mean %.4f (exact 0.5), counts %s%n",
        name, meanSq, java.util.Arrays.toString(counts));
    // 1/8 of 4000 = 500 per component; binomial std ≈ 21, allow 5 std
    for (int c : counts) {
      assertTrue(Math.abs(c - 500) < 105, name + ": component count " + c);
    }
    // E|x − μ|² = 2 s² = 0.5 (nearest-mean assignment trims a negligible tail); std of the mean of
    // 4000 chi-square(2)·s² values is 0.5/sqrt(4000) ≈ 0.008, allow ~5 std
    assertEquals(0.5, meanSq, 0.04, name);
  }
}
