package io.flowmatch.inference.cli;

import io.flowmatch.inference.io.NpyStreamWriter;
import io.flowmatch.inference.sampling.Sampler;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where finished batches go: streamed to a .npy file (optional) and the first samples kept in
 * memory for a picture (optional). Nothing appears at the .npy target until {@link #commit()};
 * {@link #close()} without a commit deletes the partial file.
 */
final class SampleOutputs implements Sampler.Sink, AutoCloseable {
  private final String label;
  private final NpyStreamWriter npy;
  private final int sampleSize;
  private final float[] kept;
  private final int keptCount;

  /**
   * @param option the option that named the .npy, for messages (e.g. {@code --save-npy})
   * @param npyPath the .npy to write, or null
   * @param keep how many leading samples to keep for a picture (0 for none)
   */
  SampleOutputs(String option, Path npyPath, int[] sampleShape, int sampleSize, int keep) {
    this.label = option + " " + npyPath;
    this.sampleSize = sampleSize;
    this.keptCount = keep;
    this.kept = new float[Math.multiplyExact(keep, sampleSize)];
    try {
      this.npy = npyPath == null ? null : NpyStreamWriter.open(npyPath, sampleShape);
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  @Override
  public void accept(long first, int count, float[] x) {
    if (first < keptCount) {
      int k = (int) Math.min(count, keptCount - first);
      System.arraycopy(x, 0, kept, (int) first * sampleSize, k * sampleSize);
    }
    if (npy != null) {
      try {
        npy.append(x, count);
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }
  }

  /** The samples kept for a picture. */
  float[] kept() {
    return kept;
  }

  int keptCount() {
    return keptCount;
  }

  /** Puts the .npy file in place. */
  void commit() {
    if (npy != null) {
      try {
        npy.commit();
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }
  }

  @Override
  public void close() {
    if (npy != null) {
      try {
        npy.close();
      } catch (IOException e) {
        // only the temporary file's removal failed; the run's own outcome matters more
      }
    }
  }

  private FailureException cannotWrite(IOException e) {
    return new FailureException("cannot write " + label + ": " + IoMessages.of(e), e);
  }
}
