package io.flowmatch.spark.cli;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.spark.SampleSpec;
import io.flowmatch.spark.ShardPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The sampling request of {@code spark sample}, {@code spark eval} and {@code spark compare}: the
 * same options, names and defaults as {@code flowmatch sample} (the solver's come from inference's
 * {@code SolverOptions} mixin, where a command has one solver), plus the sharding.
 */
public final class SampleRequestOptions {
  static final String DEFAULT_MODEL = "models/fashion-mnist-dit.onnx";

  @Option(
      names = "--model",
      paramLabel = "M",
      description = "ONNX model (default: " + DEFAULT_MODEL + " in the flowmatch folder).")
  Path model;

  @Option(
      names = "--n",
      paramLabel = "N",
      description = "Number of samples (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  long n;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the Gaussian noise (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Samples per solve, as for 'sample' (default: ${DEFAULT-VALUE}).",
      defaultValue = "256")
  int batch;

  @Option(
      names = "--call-batch",
      paramLabel = "C",
      description = "Most samples per model call, or auto (default: ${DEFAULT-VALUE}).",
      defaultValue = "auto")
  String callBatch;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description =
          "ONNX Runtime intra-op threads per executor; 0 = the executor's cores (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int threads;

  @Option(
      names = "--shape",
      paramLabel = "D",
      description = "Shape of one sample, for models without metadata.")
  String shape;

  @Option(
      names = "--shards",
      paramLabel = "K",
      description =
          "About this many shards (tasks) of whole batches (default: 4 per default-parallelism slot,"
              + " at most one per batch). The samples do not depend on it.")
  Integer shards;

  /**
   * The request with the solver {@code solver} and its {@code settings} (from inference's {@code
   * SolverOptions}); {@code parallelism} is the cluster's default parallelism (for the shard
   * count).
   */
  SampleSpec spec(int parallelism, String solver, SolverSettings settings) {
    if (shards != null && shards < 1) {
      throw FlowmatchException.invalidArgument(
          "--shards must be a positive integer, got " + shards);
    }
    if (n < 1) {
      throw FlowmatchException.invalidArgument("--n must be a positive integer, got " + n);
    }
    if (batch < 1) {
      throw FlowmatchException.invalidArgument("--batch must be a positive integer, got " + batch);
    }
    int wanted = shards != null ? shards : 4 * Math.max(1, parallelism);
    return SampleSpec.of(
            model().toString(),
            shape == null ? null : parseShape(shape),
            solver,
            settings,
            n,
            seed,
            batch,
            callBatch(),
            threads,
            ShardPlan.batchesFor(n, batch, wanted))
        .check();
  }

  Path model() {
    if (model != null) {
      if (!Files.isRegularFile(model)) {
        throw FlowmatchException.invalidArgument("--model " + model + ": no such file");
      }
      return model.toAbsolutePath();
    }
    String home = System.getProperty("flowmatch.home", "");
    Path p = Path.of(home).toAbsolutePath().resolve(DEFAULT_MODEL);
    if (!Files.isRegularFile(p)) {
      throw FlowmatchException.invalidArgument(
          "no --model given and no " + DEFAULT_MODEL + " in " + p.getParent().getParent());
    }
    return p;
  }

  private int callBatch() {
    if ("auto".equals(callBatch)) {
      return FieldOptions.AUTO_BATCH;
    }
    try {
      int v = Integer.parseInt(callBatch.trim());
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through to the message
    }
    throw FlowmatchException.invalidArgument(
        "--call-batch must be a positive integer or auto, got '" + callBatch + "'");
  }

  private static int[] parseShape(String text) {
    try {
      return ModelCard.parseShape(text);
    } catch (IllegalArgumentException e) {
      throw FlowmatchException.invalidArgument(
          "--shape must be positive integers separated by commas, e.g. 1,28,28, got '"
              + text
              + "'");
    }
  }
}
