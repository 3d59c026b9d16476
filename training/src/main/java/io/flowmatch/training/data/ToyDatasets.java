package io.flowmatch.training.data;

import io.flowmatch.inference.dataset.DatasetRegistry;
import java.util.List;

/**
 * The 2-D sets of {@link DatasetRegistry} as training data: the points are drawn there (the same
 * generators score samples in {@code eval} and {@code compare}), here they become {@link
 * PointData}.
 */
public final class ToyDatasets {
  private ToyDatasets() {}

  /** Names of the 2-D sets. */
  public static final List<String> NAMES = DatasetRegistry.TOY_SETS;

  /** Points generated per set: large enough that a training run rarely repeats an epoch early. */
  public static final int DEFAULT_SIZE = 100_000;

  /** Bounds of every 2-D set. */
  public static final double[] RANGE = DatasetRegistry.TOY_RANGE;

  /** Generates {@code count} points of the named set. */
  public static TrainingData generate(String name, int count, long seed) {
    return new PointData(name, DatasetRegistry.drawToy(name, count, seed), 2, RANGE.clone());
  }
}
