package io.flowmatch.inference.metrics;

import java.util.List;

/**
 * Distances of low-dimensional samples (2-D toy data and the like) to a reference set of data: the
 * energy distance D² ({@code energy}) and the sliced Wasserstein-2 distance ({@code sw2}).
 */
public final class PointCloudMetrics implements QualityMetric {
  /** Samples larger than this many values are images: compare them in a classifier's features. */
  public static final int MAX_DIMENSION = 64;

  private final EnergyDistance energy;
  private final SlicedWasserstein sliced;
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
    this.energy = EnergyDistance.of(reference, m, dim);
    this.sliced = SlicedWasserstein.of(reference, m, dim, SlicedWasserstein.DEFAULT_DIRECTIONS);
    this.description =
        "energy distance D² and sliced Wasserstein-2 ("
            + SlicedWasserstein.DEFAULT_DIRECTIONS
            + " directions) to "
            + what;
  }

  @Override
  public List<String> names() {
    return List.of("energy", "sw2");
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public double[] score(float[] samples, int n) {
    return new double[] {energy.distanceTo(samples, n), sliced.distanceTo(samples, n)};
  }
}
