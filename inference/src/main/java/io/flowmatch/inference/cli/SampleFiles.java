package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.FlowSampler;
import io.flowmatch.inference.io.NpyHeader;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.sampling.SampleReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Integrates noise to data and writes the results, for {@code sample} and {@code decode}: all
 * samples to a .npy (streamed) and the first ones as a picture (PNG or SVG). Either file appears
 * complete or not at all.
 */
final class SampleFiles {
  private SampleFiles() {}

  /** Something drawn over a 2-D scatter plot (trajectories), and the points it covers. */
  interface Overlay {
    float[] points();

    /** Adds itself to the plot's overlays. */
    void addTo(ScatterPlot plot);
  }

  /**
   * What to write.
   *
   * @param npyOption the option that named {@code npy}, for messages
   * @param npy the .npy file, or null
   * @param png the picture: a .png or .svg file, or null
   * @param upscale image grids: pixel size, or null for the default
   * @param bounds scatter plots: fixed bounds, or null to fit
   * @param title scatter plots: the line above the plot
   */
  record Targets(
      String npyOption,
      Path npy,
      Path png,
      Integer upscale,
      ScatterPlot.Bounds bounds,
      String title) {}

  /**
   * Runs {@code sampler} from t = 0 to 1 on {@code count} samples and writes the targets.
   *
   * @param sampler the sampler, with its solver, initial states, batch and progress set
   * @param inputOption the option that named the initial states (for read errors), or null
   * @param overlay drawn on 2-D scatter plots, or null
   */
  static SampleReport run(
      FlowModel model,
      FlowSampler sampler,
      int count,
      Targets targets,
      String inputOption,
      PrintWriter stderr,
      Overlay overlay) {
    int[] shape = model.sampleShape();
    int keep = targets.png() == null ? 0 : Math.min(count, Pictures.capacity(shape));
    // before any model call or output file: a picture too large to draw fails the run now
    Pictures.requireGridFits(targets.upscale(), keep, shape);
    try (SampleOutputs outputs =
        new SampleOutputs(targets.npyOption(), targets.npy(), shape, model.sampleSize(), keep)) {
      SampleReport report;
      try {
        report = sampler.stream(count, outputs);
      } catch (IOException e) {
        // outputs wrap their own errors: what is left is reading the input after its header was
        // checked
        throw new FailureException("cannot read " + inputOption + ": " + IoMessages.of(e), e);
      }
      outputs.commit();
      if (targets.png() != null) {
        ValueRange range = Pictures.dataRange(model.metadata(), stderr);
        Chart chart;
        if (Pictures.isPoint2d(shape)) {
          ScatterPlot.Bounds bounds =
              targets.bounds() != null || overlay == null
                  ? targets.bounds()
                  : fit(outputs.kept(), keep, overlay.points());
          ScatterPlot plot =
              ScatterPlot.of(
                  outputs.kept(), keep, bounds, targets.title() + " · " + keep + " samples");
          if (overlay != null) {
            overlay.addTo(plot);
          }
          chart = plot;
        } else {
          // the grid alone, as it always was: its pixels are the samples' (an SVG embeds them)
          chart =
              Chart.of(Pictures.grid(outputs.kept(), keep, shape, range, targets.upscale()), null);
        }
        Pictures.write("--out", targets.png(), chart);
      }
      return report;
    }
  }

  /** Bounds that hold the first n samples and the overlay's points. */
  private static ScatterPlot.Bounds fit(float[] samples, int n, float[] extra) {
    float[] all = new float[2 * n + extra.length];
    System.arraycopy(samples, 0, all, 0, 2 * n);
    System.arraycopy(extra, 0, all, 2 * n, extra.length);
    return ScatterPlot.autoBounds(all, all.length / 2);
  }

  /** "wrote …" lines for the files written. */
  static void printWritten(
      PrintWriter stdout, Targets targets, int count, int[] shape, String what) {
    if (targets.npy() != null) {
      stdout.println(
          "wrote "
              + targets.npy()
              + " ("
              + count
              + " "
              + what
              + ", shape "
              + NpyHeader.shapeString(SampleCommand.withBatch(count, shape))
              + ", float32)");
    }
    if (targets.png() != null) {
      int keep = Math.min(count, Pictures.capacity(shape));
      stdout.println(
          "wrote "
              + targets.png()
              + " ("
              + (Pictures.isImage(shape) ? "image grid" : "scatter plot")
              + " of "
              + keep
              + " "
              + what
              + Pictures.svgNote(shape, targets.png(), keep)
              + ")");
    }
  }
}
