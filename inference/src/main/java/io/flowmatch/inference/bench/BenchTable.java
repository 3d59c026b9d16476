package io.flowmatch.inference.bench;

import io.flowmatch.inference.format.Numbers;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the sampling grid as a table, as CSV, and the side-by-side ratios it holds. */
public final class BenchTable {
  private BenchTable() {}

  static final String CSV_HEADER =
      "model,type,provider,threads,batch,solver,nfe,samples_per_s,ms_per_call,outside_share,"
          + "dense_flops_per_call,gflops,peak_gflops,efficiency,error";

  public static void print(PrintWriter out, List<SamplingGrid.Row> rows) {
    out.printf(
        Locale.ROOT,
        "%-26s %-7s %-8s %3s %5s %-12s %6s %12s %10s %8s %9s %7s %7s%n",
        "model",
        "type",
        "provider",
        "thr",
        "batch",
        "solver",
        "NFE",
        "samples/s",
        "ms/call",
        "outside",
        "GFLOP/s",
        "peak",
        "of peak");
    for (SamplingGrid.Row r : rows) {
      SamplingGrid.Target t = r.target();
      // what the cell is, then its figures or why it has none
      out.printf(
          Locale.ROOT,
          "%-26s %-7s %-8s %3d %5d %-12s ",
          t.label(),
          t.field().inputType(),
          t.field().providerUsed(),
          t.threads(),
          r.batch(),
          r.solver().label());
      if (r.error() != null) {
        out.printf(Locale.ROOT, "failed: %s%n", r.error());
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%6s %12.1f %10.3f %7.1f%% %9s %7s %7s%n",
          nfe(r.nfe()),
          r.samplesPerSecond(),
          r.msPerCall(),
          100 * r.outsideShare(),
          Double.isNaN(r.gflops()) ? "-" : Numbers.fixed(r.gflops(), 1),
          Double.isNaN(r.peakGflops()) ? "-" : Numbers.fixed(r.peakGflops(), 0),
          Double.isNaN(r.efficiency()) ? "-" : Numbers.fixed(100 * r.efficiency(), 1) + "%");
    }
    out.flush();
  }

  /**
   * The ratios measured side by side, each the median over the solver settings of a batch size: the
   * last thread count over the first for each model, and each float16 or int8 model over its
   * float32 twin (…-fp16 or …-int8 against …-fp32 or the bare name) at the same threads.
   */
  public static void printRatios(PrintWriter out, List<SamplingGrid.Row> rows) {
    Map<String, List<Double>> ratios = new LinkedHashMap<>();
    for (SamplingGrid.Row a : rows) {
      for (SamplingGrid.Row b : rows) {
        if (a.error() != null
            || b.error() != null
            || a == b
            || a.batch() != b.batch()
            || !a.solver().equals(b.solver())
            || !a.target().field().providerUsed().equals(b.target().field().providerUsed())) {
          continue;
        }
        double ratio = b.samplesPerSecond() / a.samplesPerSecond();
        if (a.target().label().equals(b.target().label())
            && a.target().threads() < b.target().threads()) {
          String key =
              String.format(
                  Locale.ROOT,
                  "  %-26s batch %5d: %d vs %d threads",
                  a.target().label(),
                  a.batch(),
                  b.target().threads(),
                  a.target().threads());
          ratios.computeIfAbsent(key, k -> new ArrayList<>()).add(ratio);
        } else if (a.target().threads() == b.target().threads()
            && a.target().label().equals(fp32Twin(b.target().label(), a.target().label()))) {
          String kind = b.target().label().contains("int8") ? "int8" : "fp16";
          String key =
              String.format(
                  Locale.ROOT,
                  "  %-26s batch %5d: %s %s / fp32, %d thread(s)",
                  a.target().label(),
                  a.batch(),
                  kind,
                  b.target().label(),
                  a.target().threads());
          ratios.computeIfAbsent(key, k -> new ArrayList<>()).add(ratio);
        }
      }
    }
    if (ratios.isEmpty()) {
      return;
    }
    out.println(
        "side-by-side ratios of samples/s (same run, interleaved; median over the solver settings):");
    ratios.forEach(
        (key, values) -> {
          double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
          out.printf(Locale.ROOT, "%s: %.2fx%n", key, SamplingGrid.median(v));
        });
    out.flush();
  }

  /** The fp32 name that goes with an fp16 or int8 model name, if {@code candidate} is it. */
  private static String fp32Twin(String half, String candidate) {
    for (String tag : new String[] {"-fp16", "_fp16", ".fp16", "-int8", "_int8", ".int8"}) {
      int i = half.lastIndexOf(tag);
      if (i >= 0) {
        String bare = half.substring(0, i) + half.substring(i + tag.length());
        String full =
            half.substring(0, i) + tag.substring(0, 1) + "fp32" + half.substring(i + tag.length());
        if (candidate.equals(bare) || candidate.equals(full)) {
          return candidate;
        }
      }
    }
    return null;
  }

  public static String csv(List<SamplingGrid.Row> rows) {
    StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
    for (SamplingGrid.Row r : rows) {
      SamplingGrid.Target t = r.target();
      sb.append(
              String.join(
                  ",",
                  t.label(),
                  t.field().inputType(),
                  t.field().providerUsed(),
                  Integer.toString(t.threads()),
                  Integer.toString(r.batch()),
                  r.solver().label(),
                  num(r.nfe()),
                  num(r.samplesPerSecond()),
                  num(r.msPerCall()),
                  num(r.outsideShare()),
                  Long.toString(r.denseFlopsPerCall()),
                  num(r.gflops()),
                  num(r.peakGflops()),
                  num(r.efficiency()),
                  r.error() == null ? "" : '"' + r.error().replace("\"", "'") + '"'))
          .append('\n');
    }
    return sb.toString();
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "" : Numbers.sig(v, 6);
  }

  private static String nfe(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Numbers.fixed(v, 1);
  }
}
