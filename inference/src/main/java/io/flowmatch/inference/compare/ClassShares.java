package io.flowmatch.inference.compare;

import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.plot.BarPlot;
import io.flowmatch.inference.plot.Chart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Class histograms of a comparison's samples (a classifier's argmax per sample), one per setting,
 * next to the data's: what the report's class-histogram plot shows.
 */
public final class ClassShares {
  private final List<String> classNames;
  private final ClassHistogram data;
  private final Map<String, ClassHistogram> settings = new LinkedHashMap<>();

  /**
   * @param classNames names of the classes (shorter lists are filled with the class numbers)
   * @param data the histogram of the reference data
   */
  public ClassShares(List<String> classNames, ClassHistogram data) {
    this.classNames = List.copyOf(classNames);
    this.data = data;
  }

  /** Adds the histogram of one setting's samples, under its label. */
  public void add(String setting, ClassHistogram samples) {
    if (samples.classes() != data.classes()) {
      throw new IllegalArgumentException(
          setting + ": " + samples.classes() + " classes, the data have " + data.classes());
    }
    settings.put(setting, samples);
  }

  /** Labels of the settings added, in order. */
  public List<String> settings() {
    return List.copyOf(settings.keySet());
  }

  /** Bars of the data's shares, then each setting's, per class. */
  public Chart chart(int samples) {
    List<String> labels = new ArrayList<>();
    for (int k = 0; k < data.classes(); k++) {
      labels.add(k < classNames.size() ? classNames.get(k).trim() : Integer.toString(k));
    }
    List<String> series = new ArrayList<>();
    double[][] shares = new double[settings.size() + 1][];
    series.add("data");
    shares[0] = fractions(data);
    int s = 1;
    for (Map.Entry<String, ClassHistogram> e : settings.entrySet()) {
      series.add(e.getKey());
      shares[s++] = fractions(e.getValue());
    }
    return BarPlot.of(
        "class shares of " + samples + " samples per setting (classifier's argmax) vs the data",
        labels,
        series,
        shares);
  }

  private static double[] fractions(ClassHistogram h) {
    double[] f = new double[h.classes()];
    for (int k = 0; k < f.length; k++) {
      f[k] = h.fraction(k);
    }
    return f;
  }
}
