package io.flowmatch.inference.compare;

import io.flowmatch.inference.plot.Chart;
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
 *   <li>{@code quality-vs-nfe.png}: the first quality metric vs NFE, with its floor dashed, and
 *       {@code NAME-vs-nfe.png} for every further metric (e.g. {@code sw2-vs-nfe.png});
 *   <li>{@code class-histogram.png}: with a classifier, the class shares of each setting's samples
 *       next to the data's;
 *   <li>{@code error-vs-nfe-SOLVER.png}, {@code quality-vs-nfe-SOLVER.png}: for each fixed-step
 *       solver run on two or more grids, its grids side by side (with the adaptive settings as
 *       targets);
 *   <li>{@code time-vs-nfe.png}: wall time vs NFE.
 * </ul>
 *
 * Plots without data (no reference, no quality metric) are left out. Every plot is a {@link Chart},
 * written as PNG and as SVG.
 */
public final class ComparePlots {
  private ComparePlots() {}

  /** File name ({@code NAME.png}) → image, in the order the report shows them. */
  public static Map<String, BufferedImage> render(CompareReport report) {
    Map<String, BufferedImage> images = new LinkedHashMap<>();
    for (Map.Entry<String, Chart> c : charts(report).entrySet()) {
      images.put(c.getKey() + ".png", c.getValue().toImage());
    }
    return images;
  }

  /**
   * Base name (without extension) → chart, in the order the report shows them; each is written as
   * {@code NAME.png} and {@code NAME.svg}.
   */
  public static Map<String, Chart> charts(CompareReport report) {
    Map<String, Chart> plots = new LinkedHashMap<>();
    String context = report.samples() + " samples";
    if (report.hasErrors()) {
      plots.put(
          "error-vs-nfe",
          plot(
              report.results(),
              "RMS error vs NFE (" + context + ")",
              "NFE per sample",
              "RMS error",
              r -> r.meanNfe(),
              r -> r.errorRms()));
      plots.put(
          "error-vs-time",
          plot(
              report.results(),
              "RMS error vs wall time (" + context + ")",
              "wall time (s)",
              "RMS error",
              r -> r.wallSeconds(),
              r -> r.errorRms()));
    }
    // every quality metric vs NFE: the first as quality-vs-nfe, the others by their names
    for (int k = 0; k < report.qualityNames().size(); k++) {
      plots.put(
          k == 0 ? "quality-vs-nfe" : fileName(report.qualityNames().get(k)) + "-vs-nfe",
          qualityPlot(report, report.results(), k, ""));
    }
    Chart classes =
        report.classes() == null
            ? null
            : report.classes().chart(report.results(), report.samples());
    if (classes != null) {
      plots.put("class-histogram", classes);
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
            "error-vs-nfe-" + solver,
            plot(
                one,
                solver + ": RMS error vs NFE per grid (" + context + ")",
                "NFE per sample",
                "RMS error",
                r -> r.meanNfe(),
                r -> r.errorRms()));
      }
      if (report.hasQuality()) {
        plots.put("quality-vs-nfe-" + solver, qualityPlot(report, one, 0, solver + ": "));
      }
    }
    plots.put(
        "time-vs-nfe",
        plot(
            report.results(),
            "wall time vs NFE (" + context + ")",
            "NFE per sample",
            "wall time (s)",
            r -> r.meanNfe(),
            r -> r.wallSeconds()));
    return plots;
  }

  /** Quality metric k vs NFE with its floor dashed. */
  private static LinePlot qualityPlot(
      CompareReport report, List<SettingResult> results, int k, String prefix) {
    String name = report.qualityNames().get(k);
    LinePlot p =
        plot(
            results,
            prefix
                + name
                + " vs NFE"
                + (prefix.isEmpty() ? "" : " per grid")
                + " ("
                + report.samples()
                + " samples)",
            "NFE per sample",
            name,
            r -> r.meanNfe(),
            r -> r.quality()[k]);
    if (report.floor() != null && Double.isFinite(report.floor()[k])) {
      p.reference("floor", report.floor()[k]);
    }
    return p;
  }

  /** A metric's name as part of a file name: "class_tv" stays, "FD (x)" becomes "FD-x". */
  static String fileName(String name) {
    return name.replaceAll("[^A-Za-z0-9_.]+", "-").replaceAll("^-|-$", "");
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
