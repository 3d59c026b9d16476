package io.flowmatch.inference.field;

import java.util.Map;

/**
 * A learned or analytic velocity field v(x, t) of a flow-matching model.
 *
 * <p>Batched and allocation-free: callers own the arrays. {@code x} and {@code v} hold {@code n}
 * samples of {@link #sampleSize()} floats each, row-major; {@code t} holds one time per sample (t =
 * 0 is noise, t = 1 is data), so samples of one batch may sit at different times.
 */
public interface VelocityField extends AutoCloseable {

  /** Shape of one sample, without the batch dimension, e.g. {@code {2}} or {@code {1, 28, 28}}. */
  int[] sampleShape();

  /** Number of floats in one sample: the product of {@link #sampleShape()}. */
  default int sampleSize() {
    int size = 1;
    for (int d : sampleShape()) {
      size *= d;
    }
    return size;
  }

  /**
   * Writes v(x_i, t_i) into {@code v} for samples {@code i < n}.
   *
   * @param x n·sampleSize floats, read only
   * @param t n times
   * @param n number of samples to evaluate (may be less than the arrays hold)
   * @param v n·sampleSize floats, written
   */
  void evaluate(float[] x, float[] t, int n, float[] v);

  /** Model metadata ({@code flowmatch.*} keys of the ONNX model); empty for analytic fields. */
  default Map<String, String> metadata() {
    return Map.of();
  }

  /** Releases native resources; analytic fields hold none. */
  @Override
  default void close() {}
}
