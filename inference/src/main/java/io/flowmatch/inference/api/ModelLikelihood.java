package io.flowmatch.inference.api;

import io.flowmatch.inference.jvp.JvpModel;
import io.flowmatch.inference.likelihood.Likelihood;
import io.flowmatch.inference.likelihood.LikelihoodResult;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.likelihood.LogProbSolver;
import io.flowmatch.inference.solver.OdeSolver;

/**
 * Log-densities of a {@link FlowModel}, from {@link FlowModel#likelihood}: owns the derived JVP
 * graph's ONNX Runtime session, so close it when done.
 */
public final class ModelLikelihood implements AutoCloseable {
  private final JvpModel jvp;
  private final Likelihood likelihood;

  ModelLikelihood(JvpModel jvp, Likelihood likelihood) {
    this.jvp = jvp;
    this.likelihood = likelihood;
  }

  /** The divergence method, probes and seed in use. */
  public LikelihoodSettings settings() {
    return likelihood.settings();
  }

  /**
   * log p(x) of {@code n} data points {@code x} [n, ...sample shape] (flattened); each point's
   * Hutchinson probes are drawn from its index, so results do not depend on how points are batched
   * across calls when {@code firstIndex} numbers them.
   *
   * @param firstIndex index of {@code x}'s first point within the whole data set
   */
  public LikelihoodResult logDensity(float[] x, int n, long firstIndex) {
    return likelihood.logDensity(x, n, firstIndex, null);
  }

  /** As {@link #logDensity(float[], int, long)} for points numbered from 0. */
  public LikelihoodResult logDensity(float[] x, int n) {
    return logDensity(x, n, 0);
  }

  /**
   * An integrator that samples (noise to data) and scores each sample in the same solve: log p of
   * every result goes to {@code scores}, numbered across the run. Hand it to {@link
   * FlowSampler#integrator} in place of the plain one.
   */
  public OdeSolver sampling(LogProbSolver.Scores scores) {
    return new LogProbSolver(likelihood, scores);
  }

  @Override
  public void close() {
    jvp.close();
  }
}
