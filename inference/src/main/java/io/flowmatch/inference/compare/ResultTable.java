package io.flowmatch.inference.compare;

import io.flowmatch.inference.format.Numbers;
import java.util.ArrayList;
import java.util.List;

/**
 * The comparison as an aligned text table (stdout), followed by the observed convergence orders and
 * the failures, if any.
 */
public final class ResultTable {
  private ResultTable() {}

  /** Column headers of the table (also the HTML table's). */
  static List<String> headers(CompareReport report) {
    List<String> h =
        new ArrayList<>(
            List.of(
                "solver",
                "setting",
                "NFE",
                "NFE min-max",
                "model calls",
                "wall s",
                "samples/s",
                "model %"));
    if (report.hasErrors()) {
      h.add("err RMS");
      h.add("err max");
    }
    h.addAll(report.qualityNames());
    return h;
  }

  /** The table's cells, one row per setting. */
  static List<List<String>> rows(CompareReport report) {
    List<List<String>> rows = new ArrayList<>();
    for (SettingResult r : report.results()) {
      List<String> row = new ArrayList<>();
      row.add(r.setting().method());
      row.add(
          r.setting().adaptive()
              ? "tol " + r.setting().parameter()
              : r.setting().parameter() + " steps");
      if (r.failed()) {
        row.add("failed");
        while (row.size() < headers(report).size()) {
          row.add("");
        }
        rows.add(row);
        continue;
      }
      row.add(Cells.nfe(r.meanNfe()));
      row.add(r.minNfe() == r.maxNfe() ? "-" : r.minNfe() + "-" + r.maxNfe());
      row.add(Long.toString(r.modelCalls()));
      row.add(Cells.fixed(r.wallSeconds(), 3));
      row.add(Cells.rate(r.samplesPerSecond()));
      row.add(Cells.fixed(100 * r.modelSeconds() / r.wallSeconds(), 0));
      if (report.hasErrors()) {
        row.add(Cells.sci(r.errorRms()));
        row.add(Cells.sci(r.errorMax()));
      }
      for (double q : r.quality()) {
        row.add(Cells.sci(q));
      }
      rows.add(row);
    }
    return rows;
  }

  /** The whole text: table, floor, orders, failures. */
  /**
   * The lines printed above the table: the run, the reference (followed by {@code referenceNote},
   * e.g. how it was checked; may be empty) and the quality metric, then a blank line.
   */
  public static String header(CompareReport r, String referenceNote) {
    StringBuilder sb = new StringBuilder();
    sb.append("model ")
        .append(r.model())
        .append(", ")
        .append(r.samples())
        .append(" samples of shape ")
        .append(java.util.Arrays.toString(r.sampleShape()))
        .append(", batches of ")
        .append(r.batch())
        .append(", noise: ")
        .append(r.noise())
        .append(", provider ")
        .append(r.provider())
        .append('\n');
    if (r.reference() != null) {
      sb.append("reference: ").append(r.reference());
      if (!Double.isNaN(r.referenceNfe())) {
        sb.append(", NFE/sample ")
            .append(Numbers.fixed(r.referenceNfe(), 1))
            .append(", ")
            .append(Numbers.fixed(r.referenceSeconds(), 2))
            .append(" s");
      }
      sb.append(referenceNote).append('\n');
    }
    if (r.hasQuality()) {
      sb.append("quality: ").append(r.qualityDescription()).append('\n');
    }
    return sb.append('\n').toString();
  }

  public static String render(CompareReport report) {
    List<String> headers = headers(report);
    List<List<String>> rows = rows(report);
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, width);
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < width.length; c++) {
      rule.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
    }
    sb.append(rule).append('\n');
    for (List<String> row : rows) {
      line(sb, row, width);
    }
    if (report.floor() != null) {
      sb.append("floor (").append(report.samples()).append(" data samples vs the reference data):");
      for (int k = 0; k < report.qualityNames().size(); k++) {
        sb.append(' ')
            .append(report.qualityNames().get(k))
            .append(' ')
            .append(Cells.sci(report.floor()[k]));
      }
      sb.append('\n');
    }
    if (!report.orders().isEmpty()) {
      sb.append("observed order (error ∝ NFE^-p, least squares over each method's settings):");
      for (ConvergenceOrder o : report.orders()) {
        sb.append(' ').append(o.method()).append(' ').append(Cells.fixed(o.order(), 2));
      }
      sb.append('\n');
    }
    for (SettingResult r : report.results()) {
      if (r.failed()) {
        sb.append(r.setting().label()).append(" failed: ").append(r.failure()).append('\n');
      }
    }
    return sb.toString();
  }

  /** First two columns left-aligned (names), the numbers right-aligned. */
  private static void line(StringBuilder sb, List<String> cells, int[] width) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(width[c] - cell.length());
      line.append(c == 0 ? "" : "  ").append(c < 2 ? cell + pad : pad + cell);
    }
    sb.append(line.toString().replaceFirst("\\s+$", "")).append('\n');
  }
}
