package io.flowmatch.inference.compare;

import io.flowmatch.inference.plot.LinePlot;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The comparison's line plots, one line per method (solver, with its grid if not uniform), one
 * point per setting, all on log-log axes:
 *
 * <ul>
 *   <li>{@code error-vs-nfe.png}: RMS error against the reference vs mean NFE per sample; a
 *       method of order p falls with slope −p;
 *   <li>{@code error-vs-time.png}: the same errors vs wall time (a work-precision diagram);
 *   <li>{@code quality-vs-nfe.png}: the first quality metric vs NFE, with its floor dashed;
 *   <li>{@code time-vs-nfe.png}: wall time vs NFE.
 * </ul>
 *
 * Plots without data (no reference, no quality metric) are left out.
 */
public final class ComparePlots {
  private ComparePlots() {}

  /** File name → image, in the order the report shows them. */
  public static Map<String, BufferedImage> render(CompareReport report) {
    Map<String, BufferedImage> plots = new LinkedHashMap<>();
    String context = report.samples() + " samples";
    if (report.hasErrors()) {
      plots.put(
          "error-vs-nfe.png",
          plot(report, "RMS error vs NFE (" + context + ")", "NFE per sample", "RMS error",
              r -> r.meanNfe(), r -> r.errorRms()).render());
      plots.put(
          "error-vs-time.png",
          plot(report, "RMS error vs wall time (" + context + ")", "wall time (s)", "RMS error",
              r -> r.wallSeconds(), r -> r.errorRms()).render());
    }
    if (report.hasQuality()) {
      String name = report.qualityNames().get(0);
      LinePlot p =
          plot(report, name + " vs NFE (" + context + ")", "NFE per sample", name,
              r -> r.meanNfe(), r -> r.quality()[0]);
      if (report.floor() != null && Double.isFinite(report.floor()[0])) {
        p.reference("floor", report.floor()[0]);
      }
      plots.put("quality-vs-nfe.png", p.render());
    }
    plots.put(
        "time-vs-nfe.png",
        plot(report, "wall time vs NFE (" + context + ")", "NFE per sample", "wall time (s)",
            r -> r.meanNfe(), r -> r.wallSeconds()).render());
    return plots;
  }

  private interface Value {
    double of(SettingResult r);
  }

  private static LinePlot plot(CompareReport report, String title, String xName, String yName, Value x, Value y) {
    LinePlot plot = new LinePlot(title, xName, yName, true, true);
    Map<String, List<SettingResult>> byMethod = new LinkedHashMap<>();
    for (SettingResult r : report.results()) {
      if (!r.failed()) {
        byMethod.computeIfAbsent(r.setting().method(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<String, List<SettingResult>> e : byMethod.entrySet()) {
      List<SettingResult> points = new ArrayList<>(e.getValue());
      points.sort((a, b) -> Double.compare(a.meanNfe(), b.meanNfe()));
      double[] xs = new double[points.size()];
      double[] ys = new double[points.size()];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = x.of(points.get(i));
        ys[i] = y.of(points.get(i));
      }
      plot.series(e.getKey(), xs, ys);
    }
    return plot;
  }
}
