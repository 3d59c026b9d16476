package io.flowmatch.inference.compare;

import io.flowmatch.inference.plot.Chart;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML page with the whole comparison: context, the table, floor and observed
 * orders, the plots and a picture of the samples of every setting. Pictures are embedded as base64
 * {@code data:} URIs, so the file can be mailed or archived alone: charts as SVG (sharp at any
 * size, text legible when scaled), image grids as PNG shown at their own size or smoothly scaled
 * down.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /**
   * @param plots name → plot
   * @param pictures setting label → picture of its samples (and e.g. {@code data} for the data)
   * @param command the command line that made the comparison, or null
   */
  public static String render(
      CompareReport report,
      Map<String, ? extends Chart> plots,
      Map<String, ? extends Chart> pictures,
      String command) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>flowmatch compare: ")
        .append(escape(report.model()))
        .append("</title>\n")
        .append("<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}\n")
        .append("table{border-collapse:collapse;font-size:14px}\n")
        .append(
            "th,td{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}\n")
        .append("th:nth-child(-n+2),td:nth-child(-n+2){text-align:left}\n")
        .append("th{background:#f4f4f4}\n")
        .append("td.failed{color:#b00}\n")
        // two plots a row on a wide window, one on a narrow one; SVG scales without blur
        .append(".plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));")
        .append("gap:12px;margin-bottom:1em}\n")
        .append(".plots img{width:100%;height:auto}\n")
        .append(".pictures{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\n")
        .append(".pictures figure{margin:0;max-width:100%}\n")
        .append(".pictures img.chart{width:440px;max-width:100%;height:auto}\n")
        .append(".pictures img.raster{max-width:100%;height:auto}\n")
        .append("figcaption{font-size:13px;text-align:center}\n")
        .append("code{background:#f4f4f4;padding:1px 4px}\n")
        .append("</style>\n</head>\n<body>\n");
    h.append("<h1>Solver comparison: ").append(escape(report.model())).append("</h1>\n");
    if (command != null) {
      h.append("<p><code>").append(escape(command)).append("</code></p>\n");
    }
    h.append("<ul>\n");
    item(
        h,
        "samples",
        report.samples()
            + " of shape "
            + java.util.Arrays.toString(report.sampleShape())
            + ", in batches of "
            + report.batch()
            + ", initial noise: "
            + report.noise());
    item(h, "provider", report.provider());
    item(
        h,
        "reference",
        report.reference() == null
            ? "none (no errors measured)"
            : report.reference()
                + (Double.isNaN(report.referenceNfe())
                    ? ""
                    : ", "
                        + Cells.nfe(report.referenceNfe())
                        + " NFE per sample, "
                        + Cells.fixed(report.referenceSeconds(), 2)
                        + " s"));
    item(h, "quality", report.hasQuality() ? report.qualityDescription() : "none");
    item(
        h,
        "wall time",
        (report.repeats() == 1
                ? "one run"
                : "the median of " + report.repeats() + " round-robin runs")
            + " per setting; adaptive solvers bounded at "
            + report.maxEvaluations()
            + " evaluations");
    h.append("</ul>\n");

    h.append("<h2>Results</h2>\n<table>\n<tr>");
    for (String header : ResultTable.headers(report)) {
      h.append("<th>").append(escape(header)).append("</th>");
    }
    h.append("</tr>\n");
    List<List<String>> rows = ResultTable.rows(report);
    for (int i = 0; i < rows.size(); i++) {
      boolean failed = report.results().get(i).failed();
      h.append("<tr>");
      for (String cell : rows.get(i)) {
        h.append(failed && cell.equals("failed") ? "<td class=\"failed\">" : "<td>")
            .append(escape(cell))
            .append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
    if (report.floor() != null) {
      h.append("<p>Floor (")
          .append(report.samples())
          .append(" data samples scored like the samples):");
      for (int k = 0; k < report.qualityNames().size(); k++) {
        h.append(' ')
            .append(escape(report.qualityNames().get(k)))
            .append(' ')
            .append(Cells.sci(report.floor()[k]))
            .append(k + 1 < report.qualityNames().size() ? "," : "");
      }
      h.append("</p>\n");
    }
    if (!report.orders().isEmpty()) {
      h.append(
          "<p>Observed order p (RMS error ∝ NFE<sup>−p</sup>, least squares over each method's settings; "
              + "local orders between consecutive settings in brackets):</p>\n<ul>\n");
      for (ConvergenceOrder o : report.orders()) {
        StringBuilder local = new StringBuilder();
        for (double l : o.localOrders()) {
          local.append(local.length() == 0 ? "" : ", ").append(Cells.fixed(l, 2));
        }
        item(h, o.method(), Cells.fixed(o.order(), 2) + " [" + local + "]");
      }
      h.append("</ul>\n");
    }
    boolean anyFailed = false;
    for (SettingResult r : report.results()) {
      if (r.failed()) {
        if (!anyFailed) {
          h.append("<h3>Failures</h3>\n<ul>\n");
          anyFailed = true;
        }
        item(h, r.setting().label(), r.failure());
      }
    }
    if (anyFailed) {
      h.append("</ul>\n");
    }

    if (!plots.isEmpty()) {
      h.append("<h2>Plots</h2>\n<div class=\"plots\">\n");
      for (Map.Entry<String, ? extends Chart> p : plots.entrySet()) {
        h.append("<img alt=\"")
            .append(escape(p.getKey()))
            .append("\" src=\"")
            .append(dataUri(p.getValue()))
            .append("\" width=\"")
            .append(p.getValue().width())
            .append("\" height=\"")
            .append(p.getValue().height())
            .append("\">\n");
      }
      h.append("</div>\n");
    }
    if (!pictures.isEmpty()) {
      h.append("<h2>Samples</h2>\n<div class=\"pictures\">\n");
      for (Map.Entry<String, ? extends Chart> p : pictures.entrySet()) {
        Chart c = p.getValue();
        h.append("<figure><img class=\"")
            .append(c.raster() ? "raster" : "chart")
            .append("\" alt=\"")
            .append(escape(p.getKey()))
            .append("\" src=\"")
            .append(dataUri(c))
            .append("\" width=\"")
            .append(c.width())
            .append("\" height=\"")
            .append(c.height())
            .append("\"><figcaption>")
            .append(escape(p.getKey()))
            .append("</figcaption></figure>\n");
      }
      h.append("</div>\n");
    }
    h.append("</body>\n</html>\n");
    return h.toString();
  }

  private static void item(StringBuilder h, String name, String text) {
    h.append("<li><b>")
        .append(escape(name))
        .append("</b>: ")
        .append(escape(text))
        .append("</li>\n");
  }

  /** SVG for charts, PNG for raster pictures. */
  static String dataUri(Chart chart) {
    if (chart.raster()) {
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(chart.toPng());
    }
    return "data:image/svg+xml;base64,"
        + Base64.getEncoder().encodeToString(chart.toSvg().getBytes(StandardCharsets.UTF_8));
  }

  static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
