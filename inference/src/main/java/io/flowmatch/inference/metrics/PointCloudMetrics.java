package io.flowmatch.inference.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Distances of low-dimensional samples (2-D toy data and the like) to a reference set of data: the
 * energy distance D² ({@code energy}) and the sliced Wasserstein-2 distance ({@code sw2}). A new
 * distance is a {@link PointDistance} plus one line in the list of registered distances.
 */
public final class PointCloudMetrics implements QualityMetric {
  /** Samples larger than this many values are images: compare them in a classifier's features. */
  public static final int MAX_DIMENSION = 64;

  /**
   * A registered distance.
   *
   * @param name the score's name in tables and files, e.g. {@code energy}
   * @param description its words in the metric's description, e.g. {@code energy distance D²}
   * @param factory builds it from the reference: {@code m} points of {@code dim} values each
   */
  public record Distance(String name, String description, Factory factory) {}

  /** Builds a distance to a reference set (kept, not copied). */
  @FunctionalInterface
  public interface Factory {
    PointDistance of(float[] reference, int m, int dim);
  }

  /** The distances every point-cloud score reports, in this order. */
  private static final List<Distance> DISTANCES = new ArrayList<>();

  static {
    // one line per distance
    DISTANCES.add(new Distance("energy", "energy distance D²", EnergyDistance::of));
    DISTANCES.add(
        new Distance(
            "sw2",
            "sliced Wasserstein-2 (" + SlicedWasserstein.DEFAULT_DIRECTIONS + " directions)",
            SlicedWasserstein::of));
  }

  private final List<PointDistance> distances = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final String description;

  /**
   * @param reference m data points of {@code dim} values each (kept, not copied)
   * @param what what the reference is, e.g. {@code 2000 fresh gmm8 samples}
   */
  public PointCloudMetrics(float[] reference, int m, int dim, String what) {
    if (dim > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "point-cloud metrics are for samples of at most "
              + MAX_DIMENSION
              + " values, got "
              + dim);
    }
    List<String> words = new ArrayList<>();
    for (Distance d : DISTANCES) {
      distances.add(d.factory().of(reference, m, dim));
      names.add(d.name());
      words.add(d.description());
    }
    // "a and b", "a, b and c"
    int last = words.size() - 1;
    String joined =
        last == 0
            ? words.get(0)
            : String.join(", ", words.subList(0, last)) + " and " + words.get(last);
    this.description = joined + " to " + what;
  }

  @Override
  public List<String> names() {
    return List.copyOf(names);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public double[] score(float[] samples, int n) {
    double[] s = new double[distances.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = distances.get(i).distanceTo(samples, n);
    }
    return s;
  }
}
