package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.field.GaussianMixture;

/** Closed-form densities for the likelihood tests. */
public final class LikelihoodTestSupport {
  private LikelihoodTestSupport() {}

  /** log Σ_k w_k N(x; μ_k, s_k² I), in double, of the point at {@code offset}. */
  public static double mixtureLogDensity(GaussianMixture gmm, float[] x, int offset) {
    int d = gmm.dimension();
    double max = Double.NEGATIVE_INFINITY;
    double[] terms = new double[gmm.components()];
    for (int k = 0; k < gmm.components(); k++) {
      double s2 = gmm.std(k) * gmm.std(k);
      double sq = 0;
      for (int j = 0; j < d; j++) {
        double diff = x[offset + j] - gmm.mean(k)[j];
        sq += diff * diff;
      }
      terms[k] = Math.log(gmm.weight(k)) - 0.5 * d * Math.log(2 * Math.PI * s2) - 0.5 * sq / s2;
      max = Math.max(max, terms[k]);
    }
    double sum = 0;
    for (double t : terms) {
      sum += Math.exp(t - max);
    }
    return max + Math.log(sum);
  }
}
