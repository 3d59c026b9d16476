package io.flowmatch.inference.sampling;

import io.flowmatch.inference.io.NpyFile;
import java.io.IOException;

/** Initial states read row by row from an open {@code .npy} file of shape [N, ...sample shape]. */
public final class NpyNoise implements NoiseSource {
  private final NpyFile file;

  /** The caller keeps ownership of {@code file} and closes it. */
  public NpyNoise(NpyFile file) {
    this.file = file;
  }

  @Override
  public void fill(long firstSample, int count, int sampleSize, float[] out) throws IOException {
    if (file.rowSize() != sampleSize) {
      throw new IllegalArgumentException(
          "rows of " + file.rowSize() + " floats cannot fill samples of " + sampleSize);
    }
    file.readRows(firstSample, count, out, 0);
  }
}
