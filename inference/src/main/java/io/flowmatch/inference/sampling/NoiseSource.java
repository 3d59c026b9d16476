package io.flowmatch.inference.sampling;

import java.io.IOException;

/** Where the initial states x(t0) of the samples come from: seeded noise or a file. */
public interface NoiseSource {

  /**
   * Writes samples {@code firstSample … firstSample + count - 1} into {@code out}.
   *
   * @param sampleSize floats per sample
   */
  void fill(long firstSample, int count, int sampleSize, float[] out) throws IOException;
}
