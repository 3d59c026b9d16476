package io.flowmatch.inference.cli;

import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import picocli.CommandLine.Option;

/** How PNG pictures of samples are drawn (a picocli mixin). */
@HelpGroup("Pictures")
public final class PictureOptions {

  @Option(
      names = "--upscale",
      paramLabel = "U",
      description =
          "Image grids: each pixel becomes U×U pixels (default: 2 for 28×28, 1 from 56 up).")
  Integer upscale;

  @Option(
      names = "--plot-range",
      paramLabel = "LO,HI",
      description =
          "Scatter plots: a fixed range for both axes, e.g. -6,6 (default: fit the samples).")
  String plotRange;

  /** Fixed scatter-plot bounds, or null to fit the samples; checks --upscale too. */
  ScatterPlot.Bounds bounds() {
    OptionChecks.positive("--upscale", upscale);
    if (plotRange == null) {
      return null;
    }
    try {
      return ScatterPlot.square(ValueRange.parse(plotRange));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--plot-range: " + e.getMessage());
    }
  }
}
