package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.ModelLikelihood;
import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.likelihood.DivergenceMethod;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.likelihood.NllSummary;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.nio.file.Path;

/** {@code sample --log-prob}: the JVP model and the scores of the samples, one solve per batch. */
final class SampleLogProb implements AutoCloseable {
  /** Up to this many dimensions {@code --log-prob} uses the exact divergence by default. */
  static final int EXACT_UP_TO = 64;

  private final ModelLikelihood likelihood;
  private final DivergenceMethod method;
  private final double[] logProb;
  private final OdeSolver solver;

  private SampleLogProb(ModelLikelihood likelihood, DivergenceMethod method, int count) {
    this.likelihood = likelihood;
    this.method = method;
    this.logProb = new double[count];
    this.solver =
        likelihood.sampling(
            (first, values) -> System.arraycopy(values, 0, logProb, (int) first, values.length));
  }

  static SampleLogProb start(
      FlowModel model, String divergence, Solver solver, long seed, int count) {
    DivergenceMethod method =
        divergence != null
            ? DivergenceMethod.parse("--log-prob-divergence", divergence)
            : model.sampleSize() <= EXACT_UP_TO
                ? DivergenceMethod.EXACT
                : DivergenceMethod.HUTCHINSON;
    LikelihoodSettings settings = LikelihoodSettings.builder().method(method).seed(seed).build();
    return new SampleLogProb(model.likelihood(solver, settings), method, count);
  }

  /** The integrator that samples and scores in one solve. */
  OdeSolver solver() {
    return solver;
  }

  /** Writes the scores (atomically: nothing is left behind by a failed write). */
  void write(Path file) throws IOException {
    Npy.writeDoubles(file, logProb);
  }

  String describe(Path file) {
    NllSummary s = new NllSummary();
    for (double v : logProb) {
      s.add(v);
    }
    return "log p(x) of the samples: mean "
        + Numbers.fixed(s.mean(), 4)
        + " nats"
        + (s.count() > 1 ? " ± " + Numbers.sig(s.standardError(), 3) : "")
        + " ("
        + method.cliName()
        + " divergence"
        + (method == DivergenceMethod.HUTCHINSON ? ", 1 rademacher probe per sample" : "")
        + "); wrote "
        + file
        + " (float64 ["
        + logProb.length
        + "])";
  }

  @Override
  public void close() {
    likelihood.close();
  }
}
