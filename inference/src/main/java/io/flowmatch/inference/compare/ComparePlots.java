package io.flowmatch.inference.compare;

import io.flowmatch.inference.plot.LinePlot;
import io.flowmatch.inference.solver.TimeGrid;
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
 *   <li>{@code error-vs-nfe.png}: RMS error against the reference vs mean NFE per sample; a method
 *       of order p falls with slope −p;
 *   <li>{@code error-vs-time.png}: the same errors vs wall time (a work-precision diagram);
 *   <li>{@code quality-vs-nfe.png}: the first quality metric vs NFE, with its floor dashed;
 *   <li>{@code error-vs-nfe-SOLVER.png}, {@code quality-vs-nfe-SOLVER.png}: for each fixed-step
 *       solver run on two or more grids, its grids side by side (with the adaptive settings as
 *       targets);
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
          plot(
                  report.results(),
                  "RMS error vs NFE (" + context + ")",
                  "NFE per sample",
                  "RMS error",
                  r -> r.meanNfe(),
                  r -> r.errorRms())
              .render());
      plots.put(
          "error-vs-time.png",
          plot(
                  report.results(),
                  "RMS error vs wall time (" + context + ")",
                  "wall time (s)",
                  "RMS error",
                  r -> r.wallSeconds(),
                  r -> r.errorRms())
              .render());
    }
    if (report.hasQuality()) {
      String name = report.qualityNames().get(0);
      LinePlot p =
          plot(
              report.results(),
              name + " vs NFE (" + context + ")",
              "NFE per sample",
              name,
              r -> r.meanNfe(),
              r -> r.quality()[0]);
      if (report.floor() != null && Double.isFinite(report.floor()[0])) {
        p.reference("floor", report.floor()[0]);
      }
      plots.put("quality-vs-nfe.png", p.render());
    }
    // one plot per solver run on several grids: the grids side by side
    Map<String, List<SettingResult>> bySolver = new LinkedHashMap<>();
    for (SettingResult r : report.results()) {
      if (!r.failed() && !r.setting().adaptive()) {
        bySolver.computeIfAbsent(r.setting().solver(), k -> new ArrayList<>()).add(r);
      }
    }
    for (Map.Entry<String, List<SettingResult>> e : bySolver.entrySet()) {
      long grids =
          e.getValue().stream()
              .map(r -> r.setting().grid())
              .map(TimeGrid::label)
              .distinct()
              .count();
      if (grids < 2) {
        continue;
      }
      List<SettingResult> one = withTargets(report, e.getValue());
      String solver = e.getKey();
      if (report.hasErrors()) {
        plots.put(
            "error-vs-nfe-" + solver + ".png",
            plot(
                    one,
                    solver + ": RMS error vs NFE per grid (" + context + ")",
                    "NFE per sample",
                    "RMS error",
                    r -> r.meanNfe(),
                    r -> r.errorRms())
                .render());
      }
      if (report.hasQuality()) {
        String name = report.qualityNames().get(0);
        LinePlot p =
            plot(
                one,
                solver + ": " + name + " vs NFE per grid (" + context + ")",
                "NFE per sample",
                name,
                r -> r.meanNfe(),
                r -> r.quality()[0]);
        if (report.floor() != null && Double.isFinite(report.floor()[0])) {
          p.reference("floor", report.floor()[0]);
        }
        plots.put("quality-vs-nfe-" + solver + ".png", p.render());
      }
    }
    plots.put(
        "time-vs-nfe.png",
        plot(
                report.results(),
                "wall time vs NFE (" + context + ")",
                "NFE per sample",
                "wall time (s)",
                r -> r.meanNfe(),
                r -> r.wallSeconds())
            .render());
    return plots;
  }

  /** A solver's settings plus the adaptive ones (the targets, e.g. dopri5 at a tight tolerance). */
  private static List<SettingResult> withTargets(CompareReport report, List<SettingResult> own) {
    List<SettingResult> out = new ArrayList<>(own);
    for (SettingResult r : report.results()) {
      if (!r.failed() && r.setting().adaptive()) {
        out.add(r);
      }
    }
    return out;
  }

  private interface Value {
    double of(SettingResult r);
  }

  private static LinePlot plot(
      List<SettingResult> results, String title, String xName, String yName, Value x, Value y) {
    LinePlot plot = new LinePlot(title, xName, yName, true, true);
    Map<String, List<SettingResult>> byMethod = new LinkedHashMap<>();
    for (SettingResult r : results) {
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
