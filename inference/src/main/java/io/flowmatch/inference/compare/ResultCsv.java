package io.flowmatch.inference.compare;

import java.util.ArrayList;
import java.util.List;

/**
 * The comparison as CSV (RFC 4180: comma-separated, quoted where needed, one header line): one row
 * per setting, numbers at full precision, empty cells for values not measured.
 */
public final class ResultCsv {
  private ResultCsv() {}

  public static String render(CompareReport report) {
    List<String> header =
        new ArrayList<>(
            List.of(
                "solver",
                "grid",
                "method",
                "steps",
                "rtol",
                "atol",
                "nfe_mean",
                "nfe_min",
                "nfe_max",
                "model_calls",
                "wall_s",
                "model_s",
                "samples_per_s",
                "err_rms",
                "err_max"));
    header.addAll(report.qualityNames());
    header.add("failure");
    StringBuilder sb = new StringBuilder();
    row(sb, header);
    for (SettingResult r : report.results()) {
      SolverSetting s = r.setting();
      List<String> cells = new ArrayList<>();
      cells.add(s.solver());
      cells.add(s.grid());
      cells.add(s.method());
      cells.add(s.adaptive() ? "" : Integer.toString(s.steps()));
      cells.add(s.adaptive() ? Double.toString(s.rtol()) : "");
      cells.add(s.adaptive() ? Double.toString(s.atol()) : "");
      boolean ok = !r.failed();
      cells.add(Cells.exact(r.meanNfe()));
      cells.add(ok ? Integer.toString(r.minNfe()) : "");
      cells.add(ok ? Integer.toString(r.maxNfe()) : "");
      cells.add(ok ? Long.toString(r.modelCalls()) : "");
      cells.add(Cells.exact(r.wallSeconds()));
      cells.add(Cells.exact(r.modelSeconds()));
      cells.add(Cells.exact(r.samplesPerSecond()));
      cells.add(Cells.exact(r.errorRms()));
      cells.add(Cells.exact(r.errorMax()));
      for (double q : r.quality()) {
        cells.add(Cells.exact(q));
      }
      cells.add(r.failed() ? r.failure() : "");
      row(sb, cells);
    }
    return sb.toString();
  }

  private static void row(StringBuilder sb, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(quote(cells.get(i)));
    }
    sb.append("\r\n");
  }

  static String quote(String cell) {
    if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
      return "\"" + cell.replace("\"", "\"\"") + "\"";
    }
    return cell;
  }
}
