package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.FlowSampler;
import io.flowmatch.inference.api.SampleResult;
import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.sampling.ArrayNoise;
import io.flowmatch.inference.sampling.GaussianityCheck;
import io.flowmatch.inference.sampling.NoiseSource;
import io.flowmatch.inference.sampling.NpyNoise;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch encode}: integrates data (t = 1) back to noise (t = 0). Prints how Gaussian the
 * codes are and, with {@code --roundtrip}, how well decoding them returns the input.
 */
@Command(
    name = "encode",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch encode --model models/gmm8.onnx --input x.npy --out z.npy --roundtrip",
      "  flowmatch encode --test-index 0,7,42 --out z.npy"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Encode data to noise: integrate from t=1 (data) back to t=0; codes as .npy.",
      "Integrates the velocity field backwards from t=1 (the data) to t=0 and"
          + " writes the codes as .npy. Prints the codes' mean, variance and a Kolmogorov-Smirnov test"
          + " against N(0,1); with --roundtrip also the error of decode(encode(x)) against x."
    })
public final class EncodeCommand implements Callable<Integer>, DeclaresOutputs {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Mixin DataInputOptions data;

  @Option(
      names = "--out",
      paramLabel = "Z.npy",
      required = true,
      description = "The codes, float32 [N, ...data shape].")
  Path out;

  @Option(
      names = "--roundtrip",
      description = "Decode the codes again (same solver) and report the error against the input.")
  boolean roundtrip;

  @Mixin SolverOptions solverOptions;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(out);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    modelOptions.check();
    data.check();
    Solver solver = solverOptions.solver();
    OptionChecks.extension("--out", out, ".npy", "");
    modelOptions.resolve();

    Path npy = data.singleNpy();
    try (NpyFile file = NoiseFiles.open("--input", npy);
        FlowModel model = modelOptions.openModel(stderr, output.verbose)) {
      // the grid may come from the model's metadata
      solver = solverOptions.solver(model.metadata());
      int[] shape = model.sampleShape();
      int size = model.sampleSize();
      NoiseSource source;
      int count;
      if (file != null && !isSingleItem(file, shape)) {
        count = NoiseFiles.count("--input", npy, file, shape, null);
        source = new NpyNoise(file);
      } else {
        ValueRange range = Pictures.dataRange(model.metadata(), stderr);
        float[] all = data.read(shape, model.metadata(), range, null);
        count = all.length / size;
        source = new ArrayNoise(all);
      }

      GaussianityCheck codes = new GaussianityCheck();
      RoundTrip check =
          roundtrip
              ? new RoundTrip(
                  model.sampler().solver(solver), source, Math.min(modelOptions.batch, count), size)
              : null;
      SampleReport report;
      try (SampleOutputs outputs = new SampleOutputs("--out", out, shape, size, 0);
          Progress bar = output.progress(stderr, "encode", count, "samples")) {
        Sampler.Sink sink =
            (first, m, x) -> {
              codes.add(x, m * size);
              if (check != null) {
                check.accept(first, m, x);
              }
              outputs.accept(first, m, x);
            };
        try {
          report =
              model
                  .sampler()
                  .solver(solver)
                  .batch(modelOptions.batch)
                  .progress(bar::fraction)
                  .encode(source, count, sink);
        } catch (IOException e) {
          throw new FailureException("cannot read " + data.describe() + ": " + IoMessages.of(e), e);
        }
        outputs.commit();
      }
      if (!output.quiet) {
        stdout.println(
            SampleCommand.summary(
                "encoded", report, shape, solverOptions.describe(), model.provider()));
        stdout.println(describe(codes));
        if (check != null) {
          stdout.println(check.describe(solverOptions.describe()));
        }
        stdout.println(
            "wrote "
                + out
                + " ("
                + count
                + " codes, shape "
                + Items.shapeOf(count, shape)
                + ", float32)");
      }
      return Cli.OK;
    }
  }

  /** A .npy holding exactly one item (shape = sample shape) rather than [N, ...]. */
  private static boolean isSingleItem(NpyFile file, int[] shape) {
    return java.util.Arrays.equals(
        file.shape(), java.util.Arrays.stream(shape).asLongStream().toArray());
  }

  static String describe(GaussianityCheck c) {
    String ks =
        c.ksCount() < 2
            ? "too few values for a Kolmogorov-Smirnov test"
            : "Kolmogorov-Smirnov against N(0,1) on "
                + c.ksCount()
                + " values: D = "
                + Numbers.sig(c.ksStatistic(), 3)
                + ", p = "
                + Numbers.sig(c.ksPValue(), 3);
    return "codes: mean "
        + Numbers.sig(c.mean(), 3)
        + ", variance "
        + Numbers.sig(c.variance(), 3)
        + " (N(0,1): 0 and 1), "
        + ks;
  }

  /** Decodes each batch of codes again and compares with the input it came from. */
  static final class RoundTrip {
    private final FlowSampler decoder;
    private final NoiseSource data;
    private final int size;
    private final float[] original;
    private double maxError;
    private double sumSquares;
    private long values;
    private long nfeSum;
    private int nfeMin = Integer.MAX_VALUE;
    private int nfeMax;
    private long samples;

    /**
     * @param decoder a sampler with the encoder's solver: each batch is decoded in one solve
     */
    RoundTrip(FlowSampler decoder, NoiseSource data, int batch, int size) {
      this.decoder = decoder.batch(batch);
      this.data = data;
      this.size = size;
      this.original = new float[Math.multiplyExact(batch, size)];
    }

    void accept(long first, int m, float[] codes) throws IOException {
      SampleResult r;
      try {
        r = decoder.decode(Arrays.copyOf(codes, m * size));
      } catch (FlowmatchException e) {
        if (e.kind() != ErrorKind.NUMERIC) {
          throw e;
        }
        throw new FlowmatchException(e.kind(), "round trip: " + e.getMessage(), e);
      }
      float[] decoded = r.samples();
      data.fill(first, m, size, original);
      for (int i = 0; i < m * size; i++) {
        double e = Math.abs((double) decoded[i] - original[i]);
        maxError = Math.max(maxError, e);
        sumSquares += e * e;
      }
      values += (long) m * size;
      SampleReport report = r.report();
      // the report's mean is an exact quotient of this batch's NFE sum
      nfeSum += Math.round(report.meanNfe() * m);
      nfeMin = Math.min(nfeMin, report.minNfe());
      nfeMax = Math.max(nfeMax, report.maxNfe());
      samples += m;
    }

    double maxError() {
      return maxError;
    }

    double rmsError() {
      return values == 0 ? 0 : Math.sqrt(sumSquares / values);
    }

    String describe(String solverText) {
      String nfe =
          nfeMin == nfeMax
              ? Integer.toString(nfeMin)
              : Numbers.fixed((double) nfeSum / samples, 1)
                  + " (min "
                  + nfeMin
                  + ", max "
                  + nfeMax
                  + ")";
      return "round trip decode(encode(x)) with "
          + solverText
          + ": max |error| "
          + Numbers.sig(maxError, 3)
          + ", rms "
          + Numbers.sig(rmsError(), 3)
          + ", decode NFE/sample "
          + nfe;
    }
  }
}
