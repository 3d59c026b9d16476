package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.jvp.JacobianVectorProduct;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;

/**
 * Log-likelihoods of a flow-matching model by the instantaneous change of variables: for the flow
 * dx/dt = v(x, t) from noise p₀ = N(0, I) at t = 0 to data at t = 1,
 *
 * <pre>  log p₁(x(1)) = log p₀(x(0)) − ∫₀¹ div v(x(t), t) dt.</pre>
 *
 * <p>{@link #logDensity} starts at data points (t = 1) and integrates the augmented ODE [x, ∫div]
 * back to t = 0 with the given solver (any of the project's solvers: fixed-step, Commons Math or
 * the per-sample adaptive one); {@link #sample} starts at codes (t = 0), integrates forward and
 * returns the log-density of the samples it makes, in one solve.
 *
 * <p>The caller owns the {@link JacobianVectorProduct} (and closes it); this class holds only Java
 * arrays. Not thread-safe.
 */
public final class Likelihood {
  private final JacobianVectorProduct jvp;
  private final OdeSolver solver;
  private final LikelihoodSettings settings;

  /**
   * @param jvp the model's Jacobian-vector products (exact graph or finite differences)
   * @param solver integrates the augmented ODE
   * @param settings divergence method, probes, seed
   */
  public Likelihood(JacobianVectorProduct jvp, OdeSolver solver, LikelihoodSettings settings) {
    this.jvp = jvp;
    this.solver = solver;
    this.settings = settings;
  }

  public LikelihoodSettings settings() {
    return settings;
  }

  /**
   * log p₁(x) of {@code n} data points.
   *
   * @param x n·D floats at t = 1, read only
   * @param firstIndex index of the first sample in the whole data set: Hutchinson probes are drawn
   *     from the seed and this index, so results do not depend on how a data set is batched
   * @param codes where to write the codes z = x(0) (n·D floats), or null
   */
  public LikelihoodResult logDensity(float[] x, int n, long firstIndex, float[] codes) {
    return solve(x, n, firstIndex, 1.0, 0.0, codes);
  }

  /**
   * Integrates codes z (t = 0) to samples x (t = 1) in place and returns log p₁ of the samples.
   *
   * @param z n·D floats: codes on entry, samples on return
   */
  public LikelihoodResult sample(float[] z, int n, long firstIndex) {
    return solve(z, n, firstIndex, 0.0, 1.0, z);
  }

  private LikelihoodResult solve(
      float[] start, int n, long firstIndex, double t0, double t1, float[] end) {
    int d = jvp.sampleSize();
    if (n < 0 || (long) n * d > start.length || (end != null && (long) n * d > end.length)) {
      throw FlowmatchException.invalidArgument(
          "likelihood: " + n + " samples of " + d + " floats do not fit the arrays given");
    }
    AugmentedField field =
        new AugmentedField(
            jvp, settings, Math.max(n, 1), settings.seed() * 0x9E3779B97F4A7C15L + firstIndex);
    int stride = field.stride();
    float[] state = new float[Math.multiplyExact(n, stride)];
    double[] prior = new double[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(start, i * d, state, i * stride, d);
      state[i * stride + d + 1] = i;
      if (t0 == 0.0) {
        prior[i] = standardNormalLogDensity(start, i * d, d);
      }
    }
    SolveResult r = solver.solve(field, state, n, t0, t1);
    double[] logProb = new double[n];
    double[] integral = new double[n];
    for (int i = 0; i < n; i++) {
      double ell = state[i * stride + d]; // ∫_{t0}^{t1} div dt
      if (t0 == 0.0) {
        integral[i] = ell;
      } else {
        integral[i] = -ell; // ∫_1^0 = −∫_0^1
        prior[i] = standardNormalLogDensity(state, i * stride, d);
      }
      logProb[i] = prior[i] - integral[i];
      if (end != null) {
        System.arraycopy(state, i * stride, end, i * d, d);
      }
    }
    return new LikelihoodResult(logProb, prior, integral, r);
  }

  /** log N(z; 0, I) of the D floats at {@code offset}. */
  public static double standardNormalLogDensity(float[] z, int offset, int d) {
    double sq = 0;
    for (int j = offset; j < offset + d; j++) {
      sq += (double) z[j] * z[j];
    }
    return -0.5 * d * Math.log(2 * Math.PI) - 0.5 * sq;
  }
}
