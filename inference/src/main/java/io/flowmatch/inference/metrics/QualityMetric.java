package io.flowmatch.inference.metrics;

import java.util.List;

/**
 * Scores a set of generated samples against data: one or more named numbers, lower is better. The
 * same metric applied to an independent data sample of the same size gives the floor that sampling
 * noise alone reaches.
 */
public interface QualityMetric {

  /** Short names of the numbers {@link #score} returns, e.g. {@code energy}, {@code sw2}. */
  List<String> names();

  /** One line saying what is compared with what, for reports. */
  String description();

  /**
   * Scores {@code n} samples (row-major, the data's sample size each).
   *
   * @return one value per name
   */
  double[] score(float[] samples, int n);

  /** The metrics side by side (their names must differ); the only one if there is one. */
  static QualityMetric combine(List<QualityMetric> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    List<String> names = new java.util.ArrayList<>();
    List<String> descriptions = new java.util.ArrayList<>();
    for (QualityMetric p : parts) {
      names.addAll(p.names());
      descriptions.add(p.description());
    }
    List<String> allNames = List.copyOf(names);
    String description = String.join("; ", descriptions);
    return new QualityMetric() {
      @Override
      public List<String> names() {
        return allNames;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public double[] score(float[] samples, int n) {
        double[] out = new double[allNames.size()];
        int k = 0;
        for (QualityMetric p : parts) {
          for (double v : p.score(samples, n)) {
            out[k++] = v;
          }
        }
        return out;
      }
    };
  }
}
