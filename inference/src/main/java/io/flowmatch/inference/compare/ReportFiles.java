package io.flowmatch.inference.compare;

import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.plot.Chart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a comparison's pictures: every plot as {@code NAME.png} and {@code NAME.svg} (one drawing
 * code for both), each setting's samples under {@code samples/}, and the self-contained {@code
 * report.html} that embeds them. Each file is written atomically.
 */
public final class ReportFiles {
  private ReportFiles() {}

  /**
   * @param pictures setting label (and e.g. {@code data}) → picture of its samples; may be empty
   * @param command the command line that made the comparison, or null
   * @return the names written, relative to {@code dir}, in order
   */
  public static List<String> write(
      Path dir, CompareReport report, Map<String, Chart> pictures, String command)
      throws IOException {
    List<String> written = new ArrayList<>();
    Files.createDirectories(dir);
    // the class histogram comes from the report's counts (with a classifier)
    Map<String, Chart> plots = ComparePlots.charts(report);
    for (Map.Entry<String, Chart> p : plots.entrySet()) {
      write(dir, p.getKey() + ".png", p.getValue().toPng(), written);
      write(dir, p.getKey() + ".svg", svg(p.getValue()), written);
    }
    if (!pictures.isEmpty()) {
      Files.createDirectories(dir.resolve("samples"));
      int k = 0;
      for (Map.Entry<String, Chart> p : pictures.entrySet()) {
        String base = "samples/" + String.format(Locale.ROOT, "%02d-%s", k++, fileName(p.getKey()));
        write(dir, base + ".png", p.getValue().toPng(), written);
        if (!p.getValue().raster()) {
          write(dir, base + ".svg", svg(p.getValue()), written);
        }
      }
    }
    String html = HtmlReport.render(report, plots, pictures, command);
    write(dir, "report.html", html.getBytes(StandardCharsets.UTF_8), written);
    return written;
  }

  /** "heun@edm:10" → "heun-edm-10": safe in file names. */
  public static String fileName(String label) {
    return label.replaceAll("[^A-Za-z0-9.]+", "-").replaceAll("^-|-$", "");
  }

  private static byte[] svg(Chart chart) {
    return chart.toSvg().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(Path dir, String name, byte[] bytes, List<String> written)
      throws IOException {
    AtomicFile.write(dir.resolve(name), bytes);
    written.add(name);
  }
}
