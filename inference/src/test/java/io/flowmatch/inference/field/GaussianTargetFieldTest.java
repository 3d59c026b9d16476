package io.flowmatch.inference.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The analytic Gaussian target: its flow solves its velocity, and it agrees with the mixture. */
class GaussianTargetFieldTest {
  final double[] mean = {2.0, -1.0};
  final double std = 0.4;
  final GaussianTargetField field = new GaussianTargetField(mean, std);

  @Test
  void noiseMapsToMeanPlusStdTimesNoise() {
    double[] x0 = {0.3, -1.7};
    double[] x1 = new double[2];
    field.flow(x0, 0, 1, x1);
    assertEquals(2.0 + 0.4 * 0.3, x1[0], 1e-15);
    assertEquals(-1.0 + 0.4 * -1.7, x1[1], 1e-15);
  }

  /** d/dt ψ_t(x0) = v(ψ_t(x0), t), checked by central differences at several t. */
  @Test
  void flowSolvesTheVelocityField() {
    double[] x0 = {-0.8, 1.1};
    double h = 1e-5;
    double[] a = new double[2];
    double[] b = new double[2];
    double[] x = new double[2];
    double[] v = new double[2];
    for (double t = 0.05; t < 1; t += 0.1) {
      field.flow(x0, 0, t + h, a);
      field.flow(x0, 0, t - h, b);
      field.flow(x0, 0, t, x);
      field.velocity(x, t, v);
      for (int j = 0; j < 2; j++) {
        assertEquals((a[j] - b[j]) / (2 * h), v[j], 1e-8, "t=" + t);
      }
    }
  }

  @Test
  void backwardFlowInvertsForward() {
    float[] x0 = {0.5f, -0.25f, 1.5f, 2f};
    float[] x1 = new float[4];
    float[] back = new float[4];
    field.flow(x0, 2, 0, 1, x1);
    field.flow(x1, 2, 1, 0, back);
    for (int i = 0; i < 4; i++) {
      assertEquals(x0[i], back[i], 1e-6f);
    }
  }

  @Test
  void equalsTheOneComponentMixture() {
    GaussianMixtureField mixture =
        new GaussianMixtureField(
            new GaussianMixture(new double[][] {mean}, new double[] {std}, new double[] {3}));
    double[] x = {1.3, 0.2};
    double[] v1 = new double[2];
    double[] v2 = new double[2];
    for (double t : new double[] {0, 0.3, 0.7, 1}) {
      field.velocity(x, t, v1);
      mixture.velocity(x, t, v2);
      assertEquals(v1[0], v2[0], 1e-14);
      assertEquals(v1[1], v2[1], 1e-14);
    }
  }

  @Test
  void rejectsBadParameters() {
    assertEquals(
        "std must be positive and finite, got 0.0",
        assertThrows(IllegalArgumentException.class, () -> new GaussianTargetField(mean, 0))
            .getMessage());
    assertEquals(
        "mean has 2 values, expected 3",
        assertThrows(
                IllegalArgumentException.class,
                () -> new GaussianTargetField(new int[] {3}, mean, 1))
            .getMessage());
  }
}
