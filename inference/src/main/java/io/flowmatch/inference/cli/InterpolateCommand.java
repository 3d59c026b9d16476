package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.FlowSampler;
import io.flowmatch.inference.api.SampleResult;
import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.sampling.Interpolation;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.solver.GridSolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch interpolate}: encodes two items to noise, interpolates their codes (spherically
 * by default) and decodes each frame. Image models get a strip of frames; 2-D models a plot of the
 * path the frames take through data space. The decoding can be recorded as for sample and decode
 * ({@link TrajectoryOptions}).
 */
@Command(
    name = "interpolate",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch interpolate --model models/gmm8.onnx --a 4,0 --b 0,4 --frames 12 --out path.png",
      "  flowmatch interpolate --model models/gmm8.onnx --a 4,0 --b 0,4 --linear --out lin.svg"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Interpolate between two items in latent space (slerp or linear); PNG/SVG and/or .npy.",
      "Encodes --a and --b to noise (t=1 to 0), interpolates the codes"
          + " (slerp, or --linear), decode every frame (t=0 to 1). Image models: a row of frames; 2-D"
          + " models: the path of the frames, with a and b marked. --save-trajectory and --paths record"
          + " the decoding of the frames."
    })
public final class InterpolateCommand implements Callable<Integer>, DeclaresOutputs {
  static final int PATH_RGB = 0x1f77b4;
  static final int A_RGB = 0xd62728;
  static final int B_RGB = 0x2ca02c;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--a",
      paramLabel = "ITEM",
      required = true,
      description =
          "First item: FILE.npy (one item) or FILE.npy:ROW, an image file, or numbers such as 1.5,-2.")
  String a;

  @Option(names = "--b", paramLabel = "ITEM", required = true, description = "Second item, as --a.")
  String b;

  @Option(
      names = "--frames",
      paramLabel = "F",
      defaultValue = "8",
      description = "Frames from a to b, both included (default: ${DEFAULT-VALUE}).")
  int frames;

  @Option(
      names = "--linear",
      description = "Interpolate the codes linearly instead of spherically (slerp).")
  boolean linear;

  @Option(
      names = "--out",
      paramLabel = "FILE.png|svg",
      description =
          "The frames as a picture, PNG or SVG by the extension (an SVG draws the 2-D path as vectors"
              + " and embeds image frames as PNG).")
  Path out;

  @Option(
      names = "--save-npy",
      paramLabel = "FILE.npy",
      description = "The decoded frames, float32 [F, ...data shape].")
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
    if (frames < 2) {
      throw new UsageException("--frames must be at least 2 (a and b), got " + frames);
    }
    modelOptions.check();
    Solver solver = solverOptions.solver();
    ScatterPlot.Bounds bounds = pictureOptions.bounds();
    if (out == null && saveNpy == null && trajectoryOptions.saveTrajectory == null) {
      throw new UsageException(
          "nothing to write: give --out FILE.png (or .svg), --save-npy FILE.npy and/or --save-trajectory"
              + " FILE.npy");
    }
    Pictures.requireFormat("--out", out, " (use --save-npy for NumPy output)");
    OptionChecks.extension("--save-npy", saveNpy, ".npy", "");
    GridSolver grid = trajectoryOptions.check(solver.create(), out);
    modelOptions.resolve();

    try (FlowModel model = modelOptions.openModel(stderr, output.verbose);
        // a and b are encoded, then the frames decoded: 2 + F samples
        Progress bar = output.progress(stderr, "interpolate", 2L + frames, "samples")) {
      // the grid may come from the model's metadata
      solver = solverOptions.solver(model.metadata());
      int[] shape = model.sampleShape();
      int size = model.sampleSize();
      if (out != null) {
        Pictures.requireDrawable("--out", shape);
      }
      ValueRange range = Pictures.dataRange(model.metadata(), stderr);
      float[] ends = new float[2 * size];
      System.arraycopy(one("--a", a, shape, size, range), 0, ends, 0, size);
      System.arraycopy(one("--b", b, shape, size, range), 0, ends, size, size);

      SampleResult encoded =
          integrate(
              model.sampler().solver(solver).progress(f -> bar.update(Math.round(2 * f))),
              ends,
              true);
      float[] codes = encoded.samples();
      float[] frameCodes =
          new float
              [io.flowmatch.inference.runtime.MemoryBudget.floats(
                  "--frames " + frames, frames, size, 4, "choose fewer --frames")];
      double angle = Interpolation.angle(codes, 0, codes, size, size);
      Interpolation.frames(codes, size, frames, linear, frameCodes);
      float[] decoded;
      SampleReport decodedReport;
      // only the decoding is recorded: its states run from the codes of the frames (t=0) to the
      // frames (t=1)
      // dpm2m predicts with the model's own path: the grid to record is the one made for it
      GridSolver recorded = grid == null ? null : (GridSolver) solver.create(model.path());
      TrajectoryOptions.Recording recording = trajectoryOptions.start(recorded, shape, frames);
      try (recording) {
        SampleResult result =
            integrate(
                model
                    .sampler()
                    .solver(solver)
                    .integrator(recording::solver)
                    .progress(f -> bar.update(2 + Math.round(frames * f))),
                frameCodes,
                false);
        decoded = result.samples();
        decodedReport = result.report();
        if (saveNpy != null) {
          try {
            Npy.write(saveNpy, SampleCommand.withBatch(frames, shape), decoded);
          } catch (IOException e) {
            throw new FailureException(
                "cannot write --save-npy " + saveNpy + ": " + IoMessages.of(e), e);
          }
        }
        if (out != null) {
          Pictures.write(
              "--out", out, picture(decoded, ends, shape, range, bounds, recording.overlay()));
        }
        recording.commit();
      }
      bar.close();
      if (!output.quiet) {
        double endError = 0;
        for (int i = 0; i < size; i++) {
          endError = Math.max(endError, Math.abs(decoded[i] - ends[i]));
          endError =
              Math.max(endError, Math.abs(decoded[(frames - 1) * size + i] - ends[size + i]));
        }
        stdout.println(
            "interpolated "
                + frames
                + " frames ("
                + (linear ? "linear" : "slerp")
                + ", angle between the codes "
                + Numbers.fixed(Math.toDegrees(angle), 1)
                + "°) with "
                + solverOptions.describe()
                + " on "
                + model.provider()
                + ": encode NFE/sample "
                + encoded.report().nfeText()
                + ", decode NFE/sample "
                + decodedReport.nfeText()
                + "; the end frames return a and b within "
                + Numbers.sig(endError, 3));
        if (saveNpy != null) {
          stdout.println(
              "wrote "
                  + saveNpy
                  + " ("
                  + frames
                  + " frames, shape "
                  + Items.shapeOf(frames, shape)
                  + ", float32)");
        }
        if (out != null) {
          stdout.println(
              "wrote "
                  + out
                  + " ("
                  + (Pictures.isImage(shape)
                      ? "a row of " + frames + " frames"
                      : "the path of " + frames + " frames")
                  + (!Pictures.isSvg(out)
                      ? ""
                      : Pictures.isImage(shape) ? ", pixels embedded as PNG" : ", as vectors")
                  + ")");
        }
        recording.printWritten(stdout);
      }
      return Cli.OK;
    }
  }

  /**
   * Image models: a row of frames; 2-D models: the frames' path, a and b, and the --paths overlay
   * if any.
   */
  private Chart picture(
      float[] decoded,
      float[] ends,
      int[] shape,
      ValueRange range,
      ScatterPlot.Bounds bounds,
      SampleFiles.Overlay overlay) {
    if (Pictures.isImage(shape)) {
      int up = Pictures.upscale(pictureOptions.upscale, shape);
      return Chart.of(ImageGrid.render(decoded, frames, shape, range, up, frames), null);
    }
    ScatterPlot.Bounds box = bounds;
    if (box == null) {
      float[] extra = overlay != null ? overlay.points() : new float[0];
      float[] all = new float[decoded.length + ends.length + extra.length];
      System.arraycopy(decoded, 0, all, 0, decoded.length);
      System.arraycopy(ends, 0, all, decoded.length, ends.length);
      System.arraycopy(extra, 0, all, decoded.length + ends.length, extra.length);
      box = ScatterPlot.autoBounds(all, all.length / 2);
    }
    String title =
        (linear ? "linear" : "slerp") + " · " + frames + " frames · " + solverOptions.describe();
    ScatterPlot plot = ScatterPlot.of(decoded, 0, box, title);
    if (overlay != null) {
      overlay.addTo(plot);
    }
    return plot.path(decoded, frames, PATH_RGB)
        .marker(ends[0], ends[1], A_RGB, "a")
        .marker(ends[2], ends[3], B_RGB, "b");
  }

  /** Encodes (a and b) or decodes (the frames) in batches of --batch. */
  private SampleResult integrate(FlowSampler sampler, float[] start, boolean encode) {
    sampler.batch(modelOptions.batch);
    try {
      return encode ? sampler.encode(start) : sampler.decode(start);
    } catch (FlowmatchException e) {
      if (e.kind() != ErrorKind.NUMERIC) {
        throw e;
      }
      throw new FlowmatchException(
          e.kind(), (encode ? "encoding a and b: " : "decoding the frames: ") + e.getMessage(), e);
    }
  }

  private static float[] one(String option, String spec, int[] shape, int size, ValueRange range) {
    float[] item = Items.read(option, List.of(spec), shape, range);
    if (item.length != size) {
      throw new UsageException(
          option
              + " "
              + spec
              + " holds "
              + item.length / size
              + " items, expected one (use FILE.npy:ROW)");
    }
    return item;
  }
}
