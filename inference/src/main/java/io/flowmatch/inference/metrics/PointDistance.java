package io.flowmatch.inference.metrics;

/**
 * A distance of a set of points to a reference set fixed when it was built (see {@link
 * PointCloudMetrics}, which registers each kind on one line).
 */
public interface PointDistance {
  /** The distance of {@code n} points of {@code x} (row-major) to the reference. */
  double distanceTo(float[] x, int n);
}
