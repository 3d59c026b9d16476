package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;

/**
 * A solver that samples and scores in one solve: each {@link #solve} from codes (t0 = 0) to samples
 * (t1 = 1) integrates the augmented ODE of {@link Likelihood#sample} with the wrapped solver's
 * method and hands each sample's log p₁ to a {@link Scores} consumer, numbered across successive
 * calls (the order a {@link io.flowmatch.inference.sampling.Sampler} makes them).
 *
 * <p>The velocities come from the {@link Likelihood}'s JVP model (the same network as the plain
 * model), so the field passed to {@link #solve} is not called.
 */
public final class LogProbSolver implements OdeSolver {
  /** Receives the log-densities of one solved batch. */
  @FunctionalInterface
  public interface Scores {
    void accept(long first, double[] logProb);
  }

  private final Likelihood likelihood;
  private final Scores scores;
  private long next;

  public LogProbSolver(Likelihood likelihood, Scores scores) {
    this.likelihood = likelihood;
    this.scores = scores;
  }

  @Override
  public String name() {
    return "log-prob";
  }

  @Override
  public SolveResult solve(VelocityField field, float[] x, int n, double t0, double t1) {
    if (t0 != 0.0 || t1 != 1.0) {
      throw new IllegalArgumentException(
          "log-prob: samples are scored from t=0 to t=1, got t0=" + t0 + ", t1=" + t1);
    }
    LikelihoodResult r = likelihood.sample(x, n, next);
    scores.accept(next, r.logProb());
    next += n;
    return r.solve();
  }
}
