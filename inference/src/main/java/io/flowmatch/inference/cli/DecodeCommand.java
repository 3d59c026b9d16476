package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.FlowSampler;
import io.flowmatch.inference.api.Solver;
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
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowmatch decode}: integrates codes (t = 0) to data (t = 1), the inverse of encode. */
@Command(
    name = "decode",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch decode --model models/gmm8.onnx --input z.npy --out x.png",
      "  flowmatch decode --model models/gmm8.onnx --input z.npy --out x.npy",
      "  flowmatch decode --model models/gmm8.onnx --input z.npy --out x.svg --save-npy x.npy"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Decode codes to data: integrate from t=0 (codes) to t=1; the inverse of encode.",
      "Integrates the velocity field from t=0 (the codes) to t=1, the inverse of"
          + " 'flowmatch encode'. Writes a .npy and/or a picture (PNG or SVG) and prints one summary line."
    })
public final class DecodeCommand implements Callable<Integer>, DeclaresOutputs {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--input",
      paramLabel = "Z.npy",
      required = true,
      description = "Codes of shape [N, ...data shape] (float32/16/64).")
  Path input;

  @Option(
      names = "--n",
      paramLabel = "N",
      description = "Decode only the first N codes (default: all).")
  Integer n;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "A .npy file (all decoded samples) or a picture, .png or .svg (image grid or scatter plot).")
  Path out;

  @Option(
      names = "--save-npy",
      paramLabel = "FILE.npy",
      description = "Also (or instead) write the decoded samples as .npy.")
  Path saveNpy;

  @Mixin SolverOptions solverOptions;

  @Mixin TrajectoryOptions trajectoryOptions;

  @Mixin PictureOptions pictureOptions;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(out).file(saveNpy);
    trajectoryOptions.declareOutputs(outputs);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    OptionChecks.positive("--n", n);
    modelOptions.check();
    Solver solver = solverOptions.solver();
    ScatterPlot.Bounds bounds = pictureOptions.bounds();
    if (out == null && saveNpy == null) {
      throw new UsageException(
          "nothing to write: give --out FILE.npy, FILE.png or FILE.svg (or --save-npy)");
    }
    boolean outIsNpy =
        out != null && out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy");
    if (out != null && !outIsNpy && !Pictures.isPng(out) && !Pictures.isSvg(out)) {
      throw new UsageException("--out must name a .npy, .png or .svg file, got '" + out + "'");
    }
    if (outIsNpy && saveNpy != null) {
      throw new UsageException(
          "--out " + out + " is already a .npy; --save-npy is for a picture --out");
    }
    OptionChecks.extension("--save-npy", saveNpy, ".npy", "");
    GridSolver grid = trajectoryOptions.check(solver.create(), outIsNpy ? null : out);
    modelOptions.resolve();

    try (NpyFile codes = NoiseFiles.open("--input", input);
        FlowModel model = modelOptions.openModel(stderr, output.verbose)) {
      // the grid may come from the model's metadata
      solver = solverOptions.solver(model.metadata());
      int[] shape = model.sampleShape();
      if (out != null && !outIsNpy) {
        Pictures.requireDrawable("--out", shape);
      }
      int count = NoiseFiles.count("--input", input, codes, shape, n);
      SampleFiles.Targets targets =
          new SampleFiles.Targets(
              outIsNpy ? "--out" : "--save-npy",
              outIsNpy ? out : saveNpy,
              outIsNpy ? null : out,
              pictureOptions.upscale,
              bounds,
              "decoded " + input.getFileName() + " · " + solverOptions.describe());
      SampleReport report;
      // dpm2m predicts with the model's own path: the grid to record is the one made for it
      GridSolver recorded = grid == null ? null : (GridSolver) solver.create(model.path());
      TrajectoryOptions.Recording recording = trajectoryOptions.start(recorded, shape, count);
      try (recording;
          Progress bar = output.progress(stderr, "decode", count, "samples")) {
        FlowSampler sampler =
            model
                .sampler()
                .solver(solver)
                .noise(new NpyNoise(codes))
                .batch(modelOptions.batch)
                .progress(bar::fraction)
                .integrator(recording::solver);
        report =
            SampleFiles.run(
                model, sampler, count, targets, "--input " + input, stderr, recording.overlay());
        recording.commit();
      }
      if (!output.quiet) {
        stdout.println(
            SampleCommand.summary(
                "decoded", report, shape, solverOptions.describe(), model.provider()));
        SampleFiles.printWritten(stdout, targets, count, shape, "samples");
        recording.printWritten(stdout);
      }
      return Cli.OK;
    }
  }
}
