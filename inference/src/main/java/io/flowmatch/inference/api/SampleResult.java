package io.flowmatch.inference.api;

import io.flowmatch.inference.sampling.SampleReport;

/**
 * Samples held in memory and what they cost.
 *
 * @param samples {@code count × sampleSize} floats, row-major: sample {@code i} is {@code
 *     samples[i·size .. (i+1)·size)}
 * @param count number of samples
 * @param sampleShape shape of one sample
 * @param report NFE, model calls and wall time of the run
 */
public record SampleResult(float[] samples, int count, int[] sampleShape, SampleReport report) {
  public SampleResult {
    sampleShape = sampleShape.clone();
  }

  @Override
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  /** Floats in one sample. */
  public int sampleSize() {
    return count == 0 ? 0 : samples.length / count;
  }

  /** A copy of sample {@code i}. */
  public float[] sample(int i) {
    int size = sampleSize();
    float[] out = new float[size];
    System.arraycopy(samples, Math.multiplyExact(i, size), out, 0, size);
    return out;
  }
}
