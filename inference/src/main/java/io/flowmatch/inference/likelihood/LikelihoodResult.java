package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.solver.SolveResult;

/**
 * Log-densities of one batch, per sample (nats).
 *
 * @param logProb log p₁(x) of each data point (t = 1)
 * @param priorLogProb log p₀(z) of each code under N(0, I)
 * @param divergenceIntegral ∫₀¹ div v(x_t, t) dt along each trajectory (log p₁ = log p₀ − this)
 * @param solve what the augmented solve cost (NFE counts one call of the JVP model per sample and
 *     evaluation, whatever the number of probes)
 */
public record LikelihoodResult(
    double[] logProb, double[] priorLogProb, double[] divergenceIntegral, SolveResult solve) {

  /** Number of samples. */
  public int size() {
    return logProb.length;
  }

  /** Negative log-likelihood of sample i in nats. */
  public double nll(int i) {
    return -logProb[i];
  }
}
