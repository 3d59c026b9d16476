package io.flowmatch.inference.metrics;

import java.util.Arrays;

/**
 * How many samples a classifier puts in each class (argmax of its logits): mode coverage of a
 * generative model. A model that dropped a class shows an empty bin; one that favours a class shows
 * a tall one.
 *
 * @param counts samples per class
 */
public record ClassHistogram(int[] counts) {

  public ClassHistogram {
    counts = counts.clone();
  }

  @Override
  public int[] counts() {
    return counts.clone();
  }

  /** The histogram of argmax over {@code classes} logits for each of {@code n} rows. */
  public static ClassHistogram ofLogits(float[] logits, int n, int classes) {
    PointSets.check("logits", logits, n, classes);
    int[] counts = new int[classes];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int k = 1; k < classes; k++) {
        // comparisons with NaN are false, so a NaN logit never wins
        if (logits[i * classes + k] > logits[i * classes + best]) {
          best = k;
        }
      }
      counts[best]++;
    }
    return new ClassHistogram(counts);
  }

  /** The counts of both histograms added, class by class (e.g. shards of one set of samples). */
  public ClassHistogram plus(ClassHistogram other) {
    if (other.classes() != classes()) {
      throw new IllegalArgumentException(
          "histograms of " + classes() + " and " + other.classes() + " classes");
    }
    int[] sum = counts.clone();
    for (int k = 0; k < sum.length; k++) {
      sum[k] += other.counts[k];
    }
    return new ClassHistogram(sum);
  }

  public int classes() {
    return counts.length;
  }

  public int total() {
    return Arrays.stream(counts).sum();
  }

  /** Share of the samples in class k. */
  public double fraction(int k) {
    int total = total();
    return total == 0 ? 0 : (double) counts[k] / total;
  }

  /** Classes with at least one sample. */
  public int classesHit() {
    int hit = 0;
    for (int c : counts) {
      if (c > 0) {
        hit++;
      }
    }
    return hit;
  }

  /** Total variation distance ½ Σ |p_k − q_k| between the two class distributions (0 to 1). */
  public double totalVariation(ClassHistogram other) {
    if (other.classes() != classes()) {
      throw new IllegalArgumentException(
          "histograms of " + classes() + " and " + other.classes() + " classes");
    }
    double sum = 0;
    for (int k = 0; k < counts.length; k++) {
      sum += Math.abs(fraction(k) - other.fraction(k));
    }
    return sum / 2;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassHistogram && Arrays.equals(counts, ((ClassHistogram) o).counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return Arrays.toString(counts);
  }
}
