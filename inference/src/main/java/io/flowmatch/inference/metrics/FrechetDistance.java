package io.flowmatch.inference.metrics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet (2-Wasserstein) distance between two Gaussians, the quantity behind FID: |μ₁ − μ₂|² +
 * tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½).
 *
 * <p>Σ₁Σ₂ is not symmetric, but it is similar to the symmetric positive semi-definite Σ₁^½ Σ₂ Σ₁^½,
 * so both have the same eigenvalues and tr (Σ₁Σ₂)^½ = Σ sqrt λᵢ(Σ₁^½ Σ₂ Σ₁^½). Both square roots
 * come from Commons Math's {@link EigenDecomposition} of symmetric matrices, with eigenvalues that
 * rounding pushed below zero clipped to zero; no complex arithmetic is needed. The squared form is
 * returned (as FID reports it).
 */
public final class FrechetDistance {
  private FrechetDistance() {}

  /** The Fréchet distance between the Gaussians {@code a} and {@code b}. */
  public static double between(GaussianStats a, GaussianStats b) {
    int d = a.dimension();
    if (b.dimension() != d) {
      throw new IllegalArgumentException(
          "Gaussians of different dimensions: " + d + " and " + b.dimension());
    }
    double meanTerm = 0;
    double traceTerm = 0;
    for (int k = 0; k < d; k++) {
      double diff = a.mean()[k] - b.mean()[k];
      meanTerm += diff * diff;
      traceTerm += a.covariance()[k][k] + b.covariance()[k][k];
    }
    return meanTerm + traceTerm - 2 * traceOfSqrtProduct(a.covariance(), b.covariance());
  }

  /** tr (Σ₁Σ₂)^½ as Σ sqrt λᵢ(Σ₁^½ Σ₂ Σ₁^½). */
  static double traceOfSqrtProduct(double[][] s1, double[][] s2) {
    RealMatrix root = symmetricSqrt(new Array2DRowRealMatrix(s1, false));
    RealMatrix product = root.multiply(new Array2DRowRealMatrix(s2, false)).multiply(root);
    double sum = 0;
    for (double lambda : new EigenDecomposition(symmetrised(product)).getRealEigenvalues()) {
      sum += Math.sqrt(Math.max(0, lambda));
    }
    return sum;
  }

  /** The symmetric square root V diag(sqrt max(λ, 0)) Vᵀ of a symmetric PSD matrix. */
  static RealMatrix symmetricSqrt(RealMatrix s) {
    EigenDecomposition eig = new EigenDecomposition(symmetrised(s));
    double[] lambda = eig.getRealEigenvalues();
    RealMatrix v = eig.getV();
    int d = lambda.length;
    RealMatrix scaled = v.copy();
    for (int j = 0; j < d; j++) {
      double r = Math.sqrt(Math.max(0, lambda[j]));
      for (int i = 0; i < d; i++) {
        scaled.setEntry(i, j, v.getEntry(i, j) * r);
      }
    }
    return scaled.multiply(v.transpose());
  }

  /** (M + Mᵀ)/2: removes the rounding asymmetry that would make EigenDecomposition refuse it. */
  private static RealMatrix symmetrised(RealMatrix m) {
    return m.add(m.transpose()).scalarMultiply(0.5);
  }
}
