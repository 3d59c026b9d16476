package io.flowmatch.inference.cli;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.jvp.JvpModel;
import io.flowmatch.inference.likelihood.DivergenceMethod;
import io.flowmatch.inference.likelihood.Likelihood;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.likelihood.LogProbSolver;
import io.flowmatch.inference.likelihood.NllSummary;
import io.flowmatch.inference.sampling.Numbers;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code sample --log-prob}: the JVP model and the scores of the samples, one solve per batch. */
final class SampleLogProb implements AutoCloseable {
  /** Up to this many dimensions {@code --log-prob} uses the exact divergence by default. */
  static final int EXACT_UP_TO = 64;

  private final JvpModel jvp;
  private final DivergenceMethod method;
  private final double[] logProb;
  private final LogProbSolver solver;

  private SampleLogProb(
      JvpModel jvp, DivergenceMethod method, OdeSolver plain, long seed, int count) {
    this.jvp = jvp;
    this.method = method;
    this.logProb = new double[count];
    LikelihoodSettings settings = LikelihoodSettings.builder().method(method).seed(seed).build();
    this.solver =
        new LogProbSolver(
            new Likelihood(jvp, plain, settings),
            (first, values) -> System.arraycopy(values, 0, logProb, (int) first, values.length));
  }

  static SampleLogProb start(
      ModelOptions modelOptions,
      PrintWriter stderr,
      OnnxVelocityField field,
      String divergence,
      OdeSolver plain,
      long seed,
      int count) {
    DivergenceMethod method =
        divergence != null
            ? DivergenceMethod.parse("--log-prob-divergence", divergence)
            : field.sampleSize() <= EXACT_UP_TO
                ? DivergenceMethod.EXACT
                : DivergenceMethod.HUTCHINSON;
    JvpModel jvp = JvpModel.open(modelOptions.resolve(), fieldOptions(modelOptions, stderr));
    return new SampleLogProb(jvp, method, plain, seed, count);
  }

  /** The field options the model options describe (as {@link ModelOptions#open}). */
  static FieldOptions fieldOptions(ModelOptions m, PrintWriter stderr) {
    return new FieldOptions(
        m.provider,
        m.strict,
        m.threads,
        m.optimization,
        m.callBatch(),
        m.shape == null ? null : ModelOptions.parseShape(m.shape),
        line -> stderr.println("warning: " + line));
  }

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
    jvp.close();
  }
}
