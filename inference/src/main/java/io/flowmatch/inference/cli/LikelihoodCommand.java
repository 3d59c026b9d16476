package io.flowmatch.inference.cli;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.jvp.FiniteDifferenceJvp;
import io.flowmatch.inference.jvp.JacobianVectorProduct;
import io.flowmatch.inference.jvp.JvpModel;
import io.flowmatch.inference.likelihood.BitsPerDim;
import io.flowmatch.inference.likelihood.DivergenceMethod;
import io.flowmatch.inference.likelihood.Likelihood;
import io.flowmatch.inference.likelihood.LikelihoodResult;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.likelihood.NllSummary;
import io.flowmatch.inference.likelihood.ProbeDistribution;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch likelihood}: negative log-likelihoods (nats) and, for 8-bit image data, bits per
 * dimension, by integrating the augmented ODE [x, ∫div v] from the data (t = 1) to noise (t = 0).
 */
@Command(
    name = "likelihood",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch likelihood --model models/gmm8.onnx --input x.npy --divergence exact --out nll.csv",
      "  flowmatch likelihood --test-set 10 --divergence hutchinson --solver dopri5 --threads 1"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Log-likelihood of data under the model (a continuous normalizing flow).",
      "log p1(x) = log N(z; 0, I) - integral_0^1 div v(x_t, t) dt, integrated from the data (t=1) to its"
          + " code z (t=0) with the divergence from the model's forward-mode JVP graph. Prints the mean"
          + " NLL in nats with its standard error and, for test images (8-bit, uniformly dequantised),"
          + " bits/dim = NLL/(D ln 2) + log2(128).",
      "--input values are taken as continuous values, not dequantised; test images (--test-index,"
          + " --test-set) are dequantised with uniform noise."
    })
public final class LikelihoodCommand implements Callable<Integer>, DeclaresOutputs {
  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Mixin DataInputOptions data;

  @Option(
      names = "--test-set",
      paramLabel = "N",
      description = "Instead of --input: the first N test-set images.")
  Integer testSet;

  @Option(
      names = "--divergence",
      paramLabel = "M",
      defaultValue = "exact",
      description =
          "exact (one JVP per dimension) or hutchinson (--probes random probes, fixed along"
              + " each trajectory; unbiased) (default: ${DEFAULT-VALUE}).")
  String divergence;

  @Option(
      names = "--probes",
      paramLabel = "K",
      defaultValue = "1",
      description = "Hutchinson probes per sample (default: ${DEFAULT-VALUE}).")
  int probes;

  @Option(
      names = "--probe",
      paramLabel = "P",
      defaultValue = "rademacher",
      description =
          "Hutchinson probe distribution: rademacher or gaussian (default: ${DEFAULT-VALUE}).")
  String probe;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description =
          "Seed of the probes and of the dequantisation noise (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--jvp",
      paramLabel = "J",
      defaultValue = "graph",
      description =
          "graph (exact: the model's forward-mode derivative) or finite-difference"
              + " (approximate central differences, for models with ops the transform does not know)"
              + " (default: ${DEFAULT-VALUE}).")
  String jvpMode;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "Per-sample values: .npy (NLL, float64 [N]), .csv or .json (index, nll, bpd,"
              + " log_p0, divergence integral, NFE).")
  Path out;

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
    data.check(testSet);
    DivergenceMethod method = DivergenceMethod.parse("--divergence", divergence);
    LikelihoodSettings settings =
        LikelihoodSettings.builder()
            .method(method)
            .probes(probes)
            .distribution(ProbeDistribution.parse("--probe", probe))
            .seed(seed)
            .build();
    if (!jvpMode.equals("graph") && !jvpMode.equals("finite-difference")) {
      throw FlowmatchException.invalidArgument(
          "--jvp must be graph or finite-difference, got '" + jvpMode + "'");
    }
    if (!spec.commandLine().getParseResult().hasMatchedOption("--solver")) {
      solverOptions.solver = "dopri5"; // likelihoods need an accurate solve: adaptive by default
    }
    OdeSolver solver = solverOptions.create();
    if (out != null) {
      String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
      if (!name.endsWith(".npy") && !name.endsWith(".csv") && !name.endsWith(".json")) {
        throw FlowmatchException.invalidArgument(
            "--out must end in .npy, .csv or .json, got " + out);
      }
    }
    modelOptions.resolve();

    try (JacobianVectorProduct jvp = openJvp(stderr)) {
      int[] shape = jvp.sampleShape();
      int d = jvp.sampleSize();
      ValueRange range = Pictures.dataRange(jvp.metadata(), stderr);
      boolean images = data.images();
      List<Integer> indices = null;
      if (testSet != null) {
        indices = new ArrayList<>();
        for (int i = 0; i < testSet; i++) {
          indices.add(i);
        }
      }
      float[] points = data.read(shape, jvp.metadata(), range, indices);
      if (images) {
        BitsPerDim.dequantizeScaled(points, range.lo(), range.hi(), seed);
      }
      int count = points.length / d;
      if (!jvp.exact()) {
        stderr.println(
            "warning: --jvp finite-difference: divergences are approximate (central"
                + " differences in float32); the likelihoods are estimates, not exact values");
      }

      if (solverOptions.gridFromModel()) {
        solver = solverOptions.create(jvp.metadata()); // --grid tuned: the model's stored grid
      }
      Likelihood likelihood = new Likelihood(jvp, solver, settings);
      double[] nll = new double[count];
      double[] prior = new double[count];
      double[] integral = new double[count];
      int[] nfe = new int[count];
      NllSummary summary = new NllSummary();
      int batch = Math.min(modelOptions.batch, count);
      float[] x = new float[batch * d];
      long start = System.nanoTime();
      try (Progress bar = output.progress(stderr, "likelihood", count, "samples")) {
        for (int from = 0; from < count; from += batch) {
          int m = Math.min(batch, count - from);
          System.arraycopy(points, from * d, x, 0, m * d);
          LikelihoodResult r = likelihood.logDensity(x, m, from, null);
          for (int i = 0; i < m; i++) {
            nll[from + i] = r.nll(i);
            prior[from + i] = r.priorLogProb()[i];
            integral[from + i] = r.divergenceIntegral()[i];
            nfe[from + i] = r.solve().nfePerSample()[i];
            summary.add(r.nll(i));
          }
          bar.update(from + m);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (out != null) {
        write(out, nll, prior, integral, nfe, images ? range : null, d);
      }
      // with --out the figures are in the file; without it they are this command's result
      if (!output.quiet || out == null) {
        stdout.println(
            describe(summary, count, d, images, range, method, settings, jvp, seconds, nfe));
      }
      if (out != null && !output.quiet) {
        stdout.println("wrote " + out + " (" + count + " samples)");
      }
      return Cli.OK;
    }
  }

  private JacobianVectorProduct openJvp(PrintWriter stderr) {
    FieldOptions options = modelOptions.options(stderr);
    if (jvpMode.equals("finite-difference")) {
      return new FiniteDifferenceJvp(OnnxVelocityField.open(modelOptions.resolve(), options));
    }
    return JvpModel.open(modelOptions.resolve(), options);
  }

  private String describe(
      NllSummary s,
      int count,
      int d,
      boolean images,
      ValueRange range,
      DivergenceMethod method,
      LikelihoodSettings settings,
      JacobianVectorProduct jvp,
      double seconds,
      int[] nfe) {
    StringBuilder sb = new StringBuilder();
    sb.append(images ? "test images" : "data points").append(": ").append(count);
    if (images) {
      sb.append(" (8-bit, uniformly dequantised, seed ").append(seed).append(")");
    }
    sb.append("\nNLL: ").append(Numbers.fixed(s.mean(), 4)).append(" nats");
    if (count > 1) {
      sb.append(" ± ")
          .append(Numbers.sig(s.standardError(), 3))
          .append(" (standard error; sd ")
          .append(Numbers.sig(s.std(), 3))
          .append(")");
    }
    if (images) {
      double ln2d = d * Math.log(2);
      sb.append("\nbits/dim: ")
          .append(Numbers.fixed(BitsPerDim.of(s.mean(), d, range.lo(), range.hi()), 4));
      if (count > 1) {
        sb.append(" ± ").append(Numbers.sig(s.standardError() / ln2d, 3));
      }
      sb.append(" (NLL/(D ln 2) + ")
          .append(Numbers.sig(BitsPerDim.offset(range.lo(), range.hi()), 4))
          .append(", D = ")
          .append(d)
          .append(")");
    }
    sb.append("\ndivergence: ").append(method.cliName());
    if (method == DivergenceMethod.HUTCHINSON) {
      sb.append(" (")
          .append(settings.probes())
          .append(" ")
          .append(settings.distribution().cliName())
          .append(settings.probes() == 1 ? " probe" : " probes")
          .append(" per sample, seed ")
          .append(seed)
          .append(")");
    }
    sb.append(", ").append(jvp.describe()).append("; solver ").append(solverOptions.describe());
    int min = Integer.MAX_VALUE;
    int max = 0;
    long sum = 0;
    for (int v : nfe) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    sb.append("; NFE mean ")
        .append(Numbers.fixed((double) sum / Math.max(1, count), 1))
        .append(" (min ")
        .append(min)
        .append(", max ")
        .append(max)
        .append(")");
    sb.append("\ntime: ")
        .append(Numbers.fixed(seconds, 2))
        .append(" s (")
        .append(Numbers.sig(seconds / count, 3))
        .append(" s per sample)");
    return sb.toString();
  }

  private static void write(
      Path out, double[] nll, double[] prior, double[] integral, int[] nfe, ValueRange range, int d)
      throws IOException {
    String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".npy")) {
      Npy.writeDoubles(out, nll);
      return;
    }
    StringBuilder sb = new StringBuilder();
    boolean json = name.endsWith(".json");
    if (json) {
      sb.append("{\"unit\": \"nats\", \"samples\": [\n");
    } else {
      sb.append("index,nll,")
          .append(range != null ? "bpd," : "")
          .append("log_p0,divergence_integral,nfe\n");
    }
    for (int i = 0; i < nll.length; i++) {
      String bpd = range == null ? null : num(BitsPerDim.of(nll[i], d, range.lo(), range.hi()));
      if (json) {
        sb.append("  {\"index\": ").append(i).append(", \"nll\": ").append(num(nll[i]));
        if (bpd != null) {
          sb.append(", \"bpd\": ").append(bpd);
        }
        sb.append(", \"log_p0\": ")
            .append(num(prior[i]))
            .append(", \"divergence_integral\": ")
            .append(num(integral[i]))
            .append(", \"nfe\": ")
            .append(nfe[i])
            .append("}")
            .append(i + 1 < nll.length ? ",\n" : "\n");
      } else {
        sb.append(i).append(',').append(num(nll[i])).append(',');
        if (bpd != null) {
          sb.append(bpd).append(',');
        }
        sb.append(num(prior[i]))
            .append(',')
            .append(num(integral[i]))
            .append(',')
            .append(nfe[i])
            .append('\n');
      }
    }
    if (json) {
      sb.append("]}\n");
    }
    AtomicFile.write(out, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String num(double v) {
    return Numbers.sig(v, 10);
  }
}
