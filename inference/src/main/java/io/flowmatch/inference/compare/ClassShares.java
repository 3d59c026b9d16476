package io.flowmatch.inference.compare;

import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.plot.BarPlot;
import io.flowmatch.inference.plot.Chart;
import java.util.ArrayList;
import java.util.List;

/**
 * The classes a comparison's classifier sorts samples into: their names and the data's class
 * histogram. Each setting's histogram (counts, not samples) is in its {@link
 * SettingResult#classes()}; the report's class-histogram plot draws them side by side from these
 * counts alone, so a sweep whose samples never reach one machine (e.g. on Spark, summing shards'
 * counts with {@link ClassHistogram#plus}) draws the same plot.
 *
 * @param names names of the classes, in class order (shorter lists are filled with class numbers)
 * @param data the class histogram of the reference data
 */
public record ClassShares(List<String> names, ClassHistogram data) {

  public ClassShares {
    names = List.copyOf(names);
    if (data == null) {
      throw new IllegalArgumentException("the data's class histogram is missing");
    }
  }

  /**
   * Bars of the data's shares, then those of each setting with a class histogram, per class; null
   * when no setting has one.
   */
  public Chart chart(List<SettingResult> results, int samples) {
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < data.classes(); k++) {
      labels.add(k < names.size() ? names.get(k).trim() : Integer.toString(k));
    }
    List<String> series = new ArrayList<>();
    List<double[]> shares = new ArrayList<>();
    series.add("data");
    shares.add(fractions(data));
    for (SettingResult r : results) {
      if (r.classes() == null) {
        continue;
      }
      if (r.classes().classes() != data.classes()) {
        throw new IllegalArgumentException(
            r.setting().label()
                + ": "
                + r.classes().classes()
                + " classes, the data have "
                + data.classes());
      }
      series.add(r.setting().label());
      shares.add(fractions(r.classes()));
    }
    if (series.size() == 1) {
      return null;
    }
    return BarPlot.of(
        "class shares of " + samples + " samples per setting (classifier's argmax) vs the data",
        labels,
        series,
        shares.toArray(new double[0][]));
  }

  private static double[] fractions(ClassHistogram h) {
    double[] f = new double[h.classes()];
    for (int k = 0; k < f.length; k++) {
      f[k] = h.fraction(k);
    }
    return f;
  }
}
