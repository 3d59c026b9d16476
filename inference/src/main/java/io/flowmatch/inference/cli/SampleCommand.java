package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.FlowSampler;
import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.sampling.NpyNoise;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.solver.GridSolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch sample}: draws samples from a flow-matching model by integrating its velocity
 * field from noise (t = 0) to data (t = 1), and writes a picture (PNG or SVG: image grid or 2-D
 * scatter plot) and/or a NumPy {@code .npy} file.
 */
@Command(
    name = "sample",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch sample --out samples.png",
      "  flowmatch sample --model models/checkerboard-mlp.onnx --n 20000 --solver heun --steps 20 --out cb.png",
      "  flowmatch sample --model models/checkerboard-mlp.onnx --n 5000 --out cb.svg   # vector scatter plot",
      "  flowmatch sample --n 64 --solver dopri5 --rtol 1e-5 --atol 1e-5 --out grid.png --save-npy x.npy",
      "  flowmatch sample --model models/gmm8.onnx --noise z.npy --out s.png   # noise from a file"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Sample from a model: integrate noise (t=0) to data (t=1); PNG/SVG and/or .npy.",
      "Integrates the model's velocity field from Gaussian noise (or --noise) at t=0 to t=1.",
      "Writes a PNG or SVG (image grid for image models, scatter plot for 2-D models) and/or a .npy file, and"
          + " prints one summary line: samples, NFE per sample, wall time, samples/s, ms per model call.",
      "The same seed, model, solver, provider and threads give bit-identical samples on CPU."
    })
public final class SampleCommand implements Callable<Integer>, DeclaresOutputs {
  static final int DEFAULT_N = 1000;
  static final int DEFAULT_N_IMAGES = 64;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--n",
      paramLabel = "N",
      description =
          "Number of samples (default: "
              + DEFAULT_N
              + ", "
              + DEFAULT_N_IMAGES
              + " for image models, all rows of --noise).")
  Integer n;

  @Mixin SolverOptions solverOptions;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the Gaussian noise (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Option(
      names = "--noise",
      paramLabel = "FILE",
      description =
          "Initial noise from a .npy file of shape [N, ...data shape] (float32/16/64) instead of --seed.")
  Path noise;

  @Option(
      names = "--out",
      paramLabel = "FILE.png|svg",
      description =
          "A picture, PNG or SVG by the extension: an image grid for image models (first "
              + Pictures.MAX_GRID_IMAGES
              + " samples; an SVG embeds its pixels), a scatter plot for 2-D models (first "
              + Pictures.MAX_SCATTER_POINTS
              + "; an SVG draws up to "
              + ScatterPlot.MAX_VECTOR_POINTS
              + " as vector points).")
  Path out;

  @Option(
      names = "--save-npy",
      paramLabel = "FILE.npy",
      description = "Write all final samples as float32 [N, ...data shape] (numpy.load reads it).")
  Path saveNpy;

  @Option(
      names = "--log-prob",
      paramLabel = "FILE.npy",
      description =
          "Also score the samples in the same solve: log p(x) of each sample (nats, float64 [N]),"
              + " from the augmented ODE [x, integral of div v] with the model's forward-mode JVP graph.")
  Path logProb;

  @Option(
      names = "--log-prob-divergence",
      paramLabel = "M",
      description =
          "For --log-prob: exact or hutchinson (1 Rademacher probe per sample, unbiased) (default: exact"
              + " up to 64 dimensions, hutchinson above).")
  String logProbDivergence;

  @Mixin TrajectoryOptions trajectoryOptions;

  @Mixin PictureOptions pictureOptions;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(out).file(saveNpy).file(logProb);
    trajectoryOptions.declareOutputs(outputs);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();

    // everything that needs no model first: bad options fail fast
    OptionChecks.positive("--n", n);
    modelOptions.check();
    Solver solver = solverOptions.solver();
    ScatterPlot.Bounds bounds = pictureOptions.bounds();
    Pictures.requireFormat("--out", out, " (use --save-npy for NumPy output)");
    OptionChecks.extension("--save-npy", saveNpy, ".npy", "");
    GridSolver grid = trajectoryOptions.check(solver.create(), out);
    OptionChecks.extension("--log-prob", logProb, ".npy", "");
    if (logProb != null && grid != null) {
      throw FlowmatchException.invalidArgument(
          "--log-prob cannot be combined with --save-trajectory or --paths");
    }
    if (logProbDivergence != null && logProb == null) {
      throw FlowmatchException.invalidArgument("--log-prob-divergence is for --log-prob");
    }
    modelOptions.resolve();

    try (NpyFile noiseFile = NoiseFiles.open("--noise", noise);
        FlowModel model = modelOptions.openModel(stderr, output.verbose)) {
      // the grid may come from the model's metadata
      solver = solverOptions.solver(model.metadata());
      int[] shape = model.sampleShape();
      if (out != null) {
        Pictures.requireDrawable("--out", shape);
      }
      int count =
          noiseFile != null
              ? NoiseFiles.count("--noise", noise, noiseFile, shape, n)
              : OptionChecks.sampleCount(n, shape, DEFAULT_N, DEFAULT_N_IMAGES);
      if (output.verbose) {
        stderr.println(
            "solver "
                + solverOptions.describe()
                + "; "
                + count
                + " samples in batches of "
                + Math.min(modelOptions.batch, count)
                + (noiseFile != null ? "; noise from " + noise : "; seed " + seed));
      }
      SampleFiles.Targets targets =
          new SampleFiles.Targets(
              "--save-npy",
              saveNpy,
              out,
              pictureOptions.upscale,
              bounds,
              modelOptions.resolve().getFileName() + " · " + solverOptions.describe());
      SampleReport report;
      SampleLogProb scoring =
          logProb == null
              ? null
              : SampleLogProb.start(model, logProbDivergence, solver, seed, count);
      // dpm2m predicts with the model's own path: the grid to record is the one made for it
      GridSolver recorded = grid == null ? null : (GridSolver) solver.create(model.path());
      TrajectoryOptions.Recording recording = trajectoryOptions.start(recorded, shape, count);
      try (scoring;
          recording;
          Progress bar = output.progress(stderr, spec.name(), count, "samples")) {
        FlowSampler sampler =
            model
                .sampler()
                .solver(solver)
                .batch(modelOptions.batch)
                .progress(bar::fraction)
                .integrator(plain -> scoring == null ? recording.solver(plain) : scoring.solver());
        if (noiseFile != null) {
          sampler.noise(new NpyNoise(noiseFile));
        } else {
          sampler.seed(seed);
        }
        report =
            SampleFiles.run(
                model, sampler, count, targets, "--noise " + noise, stderr, recording.overlay());
        recording.commit();
        if (scoring != null) {
          scoring.write(logProb);
        }
      }
      if (!output.quiet) {
        stdout.println(
            summary("sampled", report, shape, solverOptions.describe(), model.provider()));
        SampleFiles.printWritten(stdout, targets, count, shape, "samples");
        recording.printWritten(stdout);
        if (scoring != null) {
          stdout.println(scoring.describe(logProb));
        }
      }
      return Cli.OK;
    }
  }

  /** The closing line: samples, NFE per sample, wall time, samples/s, ms per model call. */
  static String summary(String verb, SampleReport r, int[] shape, String solver, String provider) {
    return String.format(
        Locale.ROOT,
        "%s %d × %s with %s on %s: NFE/sample %s, wall %s s, %s samples/s, %s ms per model call (%d calls, %s%% in the model)",
        verb,
        r.samples(),
        Arrays.toString(shape),
        solver,
        provider,
        r.nfeText(),
        Numbers.fixed(r.wallSeconds(), 3),
        Numbers.fixed(r.samplesPerSecond(), 1),
        Numbers.fixed(r.msPerModelCall(), 3),
        r.modelCalls(),
        Numbers.fixed(100 * r.modelFraction(), 1));
  }

  static int[] withBatch(int first, int[] shape) {
    int[] s = new int[shape.length + 1];
    s[0] = first;
    System.arraycopy(shape, 0, s, 1, shape.length);
    return s;
  }
}
