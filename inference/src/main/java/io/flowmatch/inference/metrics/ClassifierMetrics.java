package io.flowmatch.inference.metrics;

import io.flowmatch.inference.field.ModelMetadata;
import java.util.Arrays;
import java.util.List;

/**
 * Image quality in the eyes of a classifier: the Fréchet distance between the Gaussians of its
 * features on samples and on data ({@code fd}, as FID does with Inception features), and the total
 * variation distance between the class histograms of samples and data ({@code class_tv}, 0 when
 * every class appears as often as in the data, 1 when none of the data's classes appears).
 */
public final class ClassifierMetrics implements QualityMetric {
  private final OnnxClassifier classifier;
  private final GaussianStats dataStats;
  private final ClassHistogram dataClasses;
  private final String description;
  private final List<String> classNames;

  /**
   * Runs the classifier on the reference data once.
   *
   * @param reference m data samples of the classifier's input shape (kept only as statistics)
   * @param what what the reference is, e.g. {@code 10000 Fashion-MNIST training images}
   */
  public ClassifierMetrics(OnnxClassifier classifier, float[] reference, int m, String what) {
    this.classifier = classifier;
    OnnxClassifier.Outputs out = classifier.run(reference, m);
    this.dataStats = GaussianStats.fit(out.features(), m, out.featureSize());
    this.dataClasses = ClassHistogram.ofLogits(out.logits(), m, out.classes());
    String names = classifier.metadata().get(ModelMetadata.CLASSES);
    this.classNames =
        names == null ? List.of() : Arrays.stream(names.split(",")).map(String::trim).toList();
    this.description =
        "Fréchet distance of classifier features ("
            + out.featureSize()
            + "-d) and class-histogram"
            + " total variation to "
            + what;
  }

  @Override
  public List<String> names() {
    return List.of("fd", "class_tv");
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public double[] score(float[] samples, int n) {
    Scored s = scoreWithHistogram(samples, n);
    return new double[] {s.fd(), s.classTv()};
  }

  @Override
  public QualityMetric.Scores scoreWithClasses(float[] samples, int n) {
    Scored s = scoreWithHistogram(samples, n);
    return new QualityMetric.Scores(new double[] {s.fd(), s.classTv()}, s.classes());
  }

  /** The scores and the samples' class histogram. */
  public record Scored(double fd, double classTv, ClassHistogram classes) {}

  public Scored scoreWithHistogram(float[] samples, int n) {
    OnnxClassifier.Outputs out = classifier.run(samples, n);
    GaussianStats stats = GaussianStats.fit(out.features(), n, out.featureSize());
    ClassHistogram classes = ClassHistogram.ofLogits(out.logits(), n, out.classes());
    return new Scored(
        FrechetDistance.between(stats, dataStats), classes.totalVariation(dataClasses), classes);
  }

  /** The class histogram of the reference data. */
  @Override
  public ClassHistogram dataClasses() {
    return dataClasses;
  }

  /** The classifier's class names (its {@code flowmatch.classes} metadata), or none. */
  @Override
  public List<String> classNames() {
    return classNames;
  }
}
