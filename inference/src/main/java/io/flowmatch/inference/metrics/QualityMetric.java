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

  /**
   * The scores of {@link #score} and, from a metric that classifies the samples, their class
   * histogram.
   *
   * @param values one value per name
   * @param classes samples per class, or null when the metric has no classifier
   */
  record Scores(double[] values, ClassHistogram classes) {}

  /** As {@link #score}, with the samples' class histogram when the metric has a classifier. */
  default Scores scoreWithClasses(float[] samples, int n) {
    return new Scores(score(samples, n), null);
  }

  /** The class histogram of the data, when the metric has a classifier; null otherwise. */
  default ClassHistogram dataClasses() {
    return null;
  }

  /** Names of the classes, in class order (may be empty or shorter than the histograms). */
  default List<String> classNames() {
    return List.of();
  }

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
        return scoreWithClasses(samples, n).values();
      }

      @Override
      public Scores scoreWithClasses(float[] samples, int n) {
        double[] out = new double[allNames.size()];
        ClassHistogram classes = null;
        int k = 0;
        for (QualityMetric p : parts) {
          Scores s = p.scoreWithClasses(samples, n);
          for (double v : s.values()) {
            out[k++] = v;
          }
          classes = classes != null ? classes : s.classes();
        }
        return new Scores(out, classes);
      }

      @Override
      public ClassHistogram dataClasses() {
        return classifying().map(QualityMetric::dataClasses).orElse(null);
      }

      @Override
      public List<String> classNames() {
        return classifying().map(QualityMetric::classNames).orElse(List.of());
      }

      /** The first part with a classifier: its histograms are the combination's. */
      private java.util.Optional<QualityMetric> classifying() {
        return parts.stream().filter(p -> p.dataClasses() != null).findFirst();
      }
    };
  }
}
