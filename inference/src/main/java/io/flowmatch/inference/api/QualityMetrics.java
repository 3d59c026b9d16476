package io.flowmatch.inference.api;

import io.flowmatch.inference.dataset.ReferenceData;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.metrics.ClassifierMetrics;
import io.flowmatch.inference.metrics.OnnxClassifier;
import io.flowmatch.inference.metrics.PointCloudMetrics;
import io.flowmatch.inference.metrics.QualityMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores generated samples against data, as {@code flowmatch eval} does: energy distance and sliced
 * Wasserstein-2 for small samples (at most {@value PointCloudMetrics#MAX_DIMENSION} values), and
 * with a classifier the Fréchet distance of its features and the total variation of its class
 * histogram. Every score comes with its floor: the same metric applied to an independent data
 * sample of the same size, the value sampling noise alone reaches.
 *
 * <pre>{@code
 * try (FlowModel model = FlowModel.open(Path.of("models/gmm8.onnx"));
 *     QualityMetrics q = QualityMetrics.forMixture(model, 2000, 0)) {
 *   Map<String, Double> s = q.score(model.sampler().sample(2000));   // {energy=…, sw2=…}
 * }
 * }</pre>
 *
 * <p>Closing releases the classifier's session, if any.
 */
public final class QualityMetrics implements AutoCloseable {
  /** Data points drawn for the reference set when fewer samples are scored (as {@code eval}). */
  public static final int DEFAULT_REFERENCE = 10_000;

  private final QualityMetric metric;
  private final ReferenceData data;
  private final double[] floor;
  private final OnnxClassifier classifier;

  private QualityMetrics(QualityMetric metric, ReferenceData data, OnnxClassifier classifier) {
    this.metric = metric;
    this.data = data;
    this.classifier = classifier;
    this.floor = metric.score(data.floor(), data.floorCount());
  }

  /**
   * Metrics against fresh draws from the Gaussian mixture in the model's card (analytic mixture
   * models such as {@code models/gmm8.onnx}), with {@code n} samples to be scored.
   *
   * @param seed seed of the drawn data (the same seed gives the same reference and floor)
   * @throws FlowmatchException INVALID_ARGUMENT when the card names no mixture
   */
  public static QualityMetrics forMixture(FlowModel model, int n, long seed) {
    GaussianMixture mixture = model.card().mixture();
    if (mixture == null) {
      throw FlowmatchException.invalidArgument(
          "model "
              + model.name()
              + " has no Gaussian mixture in its card (architecture "
              + model.card().architecture()
              + "); give the data with QualityMetrics.against");
    }
    if (mixture.dimension() != model.sampleSize()) {
      throw FlowmatchException.badModel(
          "the model's mixture has dimension "
              + mixture.dimension()
              + " but its samples have "
              + model.sampleSize()
              + " values");
    }
    String name = model.card().dataset() != null ? model.card().dataset() : "mixture";
    return against(
        ReferenceData.ofMixture(mixture, name, Math.max(n, DEFAULT_REFERENCE), n, seed),
        model.sampleShape(),
        null,
        0);
  }

  /**
   * Metrics against given data, optionally with a classifier for image data.
   *
   * @param sampleShape shape of one sample (the classifier's input without the batch dimension)
   * @param classifier an ONNX classifier (inputs {@code x}; outputs {@code logits}, {@code
   *     features}), or null for the point-cloud metrics only
   * @param threads intra-op threads of the classifier; 0 for one per core
   * @throws FlowmatchException INVALID_ARGUMENT when no metric fits (large samples, no classifier)
   */
  public static QualityMetrics against(
      ReferenceData data, int[] sampleShape, Path classifier, int threads) {
    List<QualityMetric> parts = new ArrayList<>();
    int size = data.sampleSize();
    if (size <= PointCloudMetrics.MAX_DIMENSION) {
      parts.add(
          new PointCloudMetrics(
              data.reference(), data.referenceCount(), size, data.referenceDescription()));
    }
    OnnxClassifier opened = null;
    try {
      if (classifier != null) {
        opened = OnnxClassifier.open(classifier, sampleShape, threads);
        parts.add(
            new ClassifierMetrics(
                opened, data.reference(), data.referenceCount(), data.referenceDescription()));
      }
      if (parts.isEmpty()) {
        throw FlowmatchException.invalidArgument(
            "no quality metric for samples of " + size + " values without a classifier");
      }
      return new QualityMetrics(QualityMetric.combine(parts), data, opened);
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      throw e;
    }
  }

  /** Names of the scores, e.g. {@code energy}, {@code sw2}, {@code fd}, {@code class_tv}. */
  public List<String> names() {
    return metric.names();
  }

  /** What is compared with what, one line. */
  public String description() {
    return metric.description();
  }

  /** The metric, for {@link Comparison} and the lower-level packages. */
  public QualityMetric metric() {
    return metric;
  }

  /** The floor: each score of an independent data sample of the scored size. */
  public Map<String, Double> floor() {
    return named(floor);
  }

  /** Scores samples (row-major, the data's sample size each); lower is better. */
  public Map<String, Double> score(float[] samples, int n) {
    if (samples.length < (long) n * data.sampleSize()) {
      throw FlowmatchException.invalidArgument(
          "score: "
              + n
              + " samples of "
              + data.sampleSize()
              + " values need "
              + (long) n * data.sampleSize()
              + " floats, got "
              + samples.length);
    }
    return named(metric.score(samples, n));
  }

  /** Scores a sampling result. */
  public Map<String, Double> score(SampleResult result) {
    return score(result.samples(), result.count());
  }

  private Map<String, Double> named(double[] values) {
    Map<String, Double> m = new LinkedHashMap<>();
    List<String> names = metric.names();
    for (int i = 0; i < names.size(); i++) {
      m.put(names.get(i), values[i]);
    }
    return m;
  }

  @Override
  public void close() {
    if (classifier != null) {
      classifier.close();
    }
  }

  @Override
  public String toString() {
    return metric.description() + " " + metric.names() + " floor " + Arrays.toString(floor);
  }
}
