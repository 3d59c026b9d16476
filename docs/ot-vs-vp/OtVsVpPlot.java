import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.LinePlot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Overlays two `flowmatch compare` results.csv files (OT and VP) in one quality-vs-NFE plot, one
 * line per solver and path. Run with the project's class path (see docs/ot-vs-vp.md):
 * java -cp CP OtVsVpPlot.java OT.csv VP.csv METRIC FLOOR TITLE OUT.png
 */
public class OtVsVpPlot {
  public static void main(String[] a) throws Exception {
    String metric = a[2];
    LinePlot plot = new LinePlot(a[4], "NFE per sample", metric, true, true);
    String[] labels = {"OT", "VP"};
    for (int f = 0; f < 2; f++) {
      List<String> lines = Files.readAllLines(Path.of(a[f]));
      List<String> header = List.of(lines.get(0).split(","));
      int solver = header.indexOf("solver");
      int nfe = header.indexOf("nfe_mean");
      int m = header.indexOf(metric);
      for (String s : new String[] {"euler", "heun", "dopri5"}) {
        List<double[]> pts = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
          String[] c = line.split(",", -1);
          if (c[solver].equals(s) && !c[m].isEmpty()) {
            pts.add(new double[] {Double.parseDouble(c[nfe]), Double.parseDouble(c[m])});
          }
        }
        plot.series(labels[f] + " " + s, pts.stream().mapToDouble(p -> p[0]).toArray(), pts.stream().mapToDouble(p -> p[1]).toArray());
      }
    }
    plot.reference("floor (data vs data)", Double.parseDouble(a[3]));
    Png.write(plot.render(), Path.of(a[5]));
  }
}
