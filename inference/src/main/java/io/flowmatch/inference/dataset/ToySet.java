package io.flowmatch.inference.dataset;

import java.util.SplittableRandom;

/**
 * A 2-D test distribution drawn in code. Implementations are a few lines: one point per call, from
 * the caller's random stream, so that a seed gives the same points in training and in evaluation.
 */
@FunctionalInterface
public interface ToySet {
  /**
   * Writes one point into {@code xy[0..1]} (before clamping to {@link DatasetRegistry#TOY_RANGE}).
   */
  void point(SplittableRandom random, double[] xy);
}
