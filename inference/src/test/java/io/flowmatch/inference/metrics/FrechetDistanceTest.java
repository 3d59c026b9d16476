package io.flowmatch.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

  static GaussianStats stats(double[] mean, double[][] cov) {
    return new GaussianStats(mean, cov, 0);
  }

  @Test
  void identicalGaussiansAreAtDistanceZero() {
    double[][] cov = {{2, 0.5, 0}, {0.5, 1, 0.3}, {0, 0.3, 0.7}};
    GaussianStats g = stats(new double[] {1, 2, 3}, cov);
    assertEquals(0, FrechetDistance.between(g, g), 1e-12);
  }

  /** Diagonal covariances commute: |Δμ|² + Σ (σ₁ᵢ − σ₂ᵢ)². */
  @Test
  void diagonalCovariances() {
    GaussianStats a = stats(new double[] {0, 1}, new double[][] {{4, 0}, {0, 1}});
    GaussianStats b = stats(new double[] {3, -3}, new double[][] {{1, 0}, {0, 9}});
    double exact = 9 + 16 + (2 - 1) * (2 - 1) + (1 - 3) * (1 - 3);
    assertEquals(exact, FrechetDistance.between(a, b), 1e-12);
  }

  /**
   * Non-commuting 2×2 covariances: (Σ₁Σ₂)^½ has eigenvalues sqrt λᵢ, and for 2×2 matrices (Σ sqrt
   * λᵢ)² = tr(Σ₁Σ₂) + 2 sqrt det(Σ₁Σ₂).
   */
  @Test
  void nonCommutingCovariancesMatchTheTwoByTwoFormula() {
    double[][] s1 = {{2, 0.8}, {0.8, 1}};
    double[][] s2 = {{1, -0.6}, {-0.6, 3}};
    double trProduct = 0;
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 2; k++) {
        trProduct += s1[i][k] * s2[k][i];
      }
    }
    double det1 = s1[0][0] * s1[1][1] - s1[0][1] * s1[1][0];
    double det2 = s2[0][0] * s2[1][1] - s2[0][1] * s2[1][0];
    double traceSqrt = Math.sqrt(trProduct + 2 * Math.sqrt(det1 * det2));
    double exact = 0.25 + 1 + (2 + 1) + (1 + 3) - 2 * traceSqrt;
    GaussianStats a = stats(new double[] {0, 0}, s1);
    GaussianStats b = stats(new double[] {0.5, 1}, s2);
    assertEquals(exact, FrechetDistance.between(a, b), 1e-12);
    assertEquals(exact, FrechetDistance.between(b, a), 1e-12);
  }

  /** A singular covariance (rank 1) still works: clipped eigenvalues, no NaN. */
  @Test
  void singularCovariance() {
    GaussianStats a = stats(new double[] {0, 0}, new double[][] {{1, 1}, {1, 1}});
    GaussianStats b = stats(new double[] {0, 0}, new double[][] {{0, 0}, {0, 0}});
    // tr Σ₁ = 2, Σ₂ = 0
    assertEquals(2, FrechetDistance.between(a, b), 1e-12);
  }

  @Test
  void fitComputesMeanAndUnbiasedCovariance() {
    float[] x = {0, 0, 2, 0, 0, 2, 2, 2};
    GaussianStats g = GaussianStats.fit(x, 4, 2);
    assertArrayEquals(new double[] {1, 1}, g.mean(), 0);
    assertArrayEquals(new double[] {4.0 / 3, 0}, g.covariance()[0], 1e-15);
    assertArrayEquals(new double[] {0, 4.0 / 3}, g.covariance()[1], 1e-15);
  }

  /** Samples of two known Gaussians: the fitted distance approaches the closed form. */
  @Test
  void sampledGaussiansApproachTheClosedForm() {
    int n = 20000;
    double[][] chol = {{1, 0, 0}, {0.5, 1, 0}, {0.2, -0.3, 0.8}};
    float[] x = new float[n * 3];
    float[] y = new float[n * 3];
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      double[] z = {Gaussians.gaussian(r), Gaussians.gaussian(r), Gaussians.gaussian(r)};
      double[] w = {Gaussians.gaussian(r), Gaussians.gaussian(r), Gaussians.gaussian(r)};
      for (int k = 0; k < 3; k++) {
        double cz = 0;
        for (int j = 0; j < 3; j++) {
          cz += chol[k][j] * z[j];
        }
        x[3 * i + k] = (float) cz;
        y[3 * i + k] = (float) (1 + 2 * w[k]); // N(1, 4 I)
      }
    }
    double[][] s1 = new double[3][3];
    for (int a = 0; a < 3; a++) {
      for (int b = 0; b < 3; b++) {
        for (int j = 0; j < 3; j++) {
          s1[a][b] += chol[a][j] * chol[b][j];
        }
      }
    }
    // Σ₂ = 4I commutes with Σ₁: tr (Σ₁Σ₂)^½ = 2 tr Σ₁^½
    double trRoot = 0;
    for (double lambda :
        new org.apache.commons.math3.linear.EigenDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(s1))
            .getRealEigenvalues()) {
      trRoot += Math.sqrt(lambda);
    }
    double exact = 3 + (s1[0][0] + s1[1][1] + s1[2][2]) + 12 - 2 * 2 * trRoot;
    double measured =
        FrechetDistance.between(GaussianStats.fit(x, n, 3), GaussianStats.fit(y, n, 3));
    assertEquals(exact, measured, 0.03 * exact);
  }
}
