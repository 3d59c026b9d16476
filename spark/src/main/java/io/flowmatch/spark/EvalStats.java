package io.flowmatch.spark;

import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.metrics.FeatureMoments;
import java.io.Serializable;

/**
 * What one part of an evaluation contributes: the moments of the classifier's features (count, Σf,
 * Σffᵀ in double) and the counts of its argmax classes. Parts merge by addition, so Spark combines
 * them with {@code treeAggregate} and the samples themselves never leave the executors. An empty
 * part (the aggregation's zero) adopts the shapes of the first non-empty one.
 */
public final class EvalStats implements Serializable {
  private static final long serialVersionUID = 1L;
  private FeatureMoments moments;
  private long[] classes;

  /** Adds {@code n} rows of classifier outputs. */
  public EvalStats add(float[] features, int featureSize, float[] logits, int classCount, int n) {
    if (moments == null) {
      moments = new FeatureMoments(featureSize);
      classes = new long[classCount];
    }
    moments.add(features, n);
    int[] counts = ClassHistogram.ofLogits(logits, n, classCount).counts();
    for (int k = 0; k < classCount; k++) {
      classes[k] += counts[k];
    }
    return this;
  }

  /** Adds {@code other} into this; returns this. */
  public EvalStats merge(EvalStats other) {
    if (other.moments == null) {
      return this;
    }
    if (moments == null) {
      moments = new FeatureMoments(other.moments.dimension()).merge(other.moments);
      classes = other.classes.clone();
      return this;
    }
    moments.merge(other.moments);
    if (classes.length != other.classes.length) {
      throw new IllegalArgumentException(
          "histograms of " + classes.length + " and " + other.classes.length + " classes");
    }
    for (int k = 0; k < classes.length; k++) {
      classes[k] += other.classes[k];
    }
    return this;
  }

  public long count() {
    return moments == null ? 0 : moments.count();
  }

  /** The feature moments, or null for an empty part. */
  public FeatureMoments moments() {
    return moments;
  }

  /** The class histogram (counts fit an int: at most 2³¹−1 samples per evaluation). */
  public ClassHistogram histogram() {
    int[] counts = new int[classes.length];
    for (int k = 0; k < counts.length; k++) {
      counts[k] = Math.toIntExact(classes[k]);
    }
    return new ClassHistogram(counts);
  }
}
