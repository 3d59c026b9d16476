package io.flowmatch.training.data;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.SplittableRandom;

/**
 * Chooses the samples of each training step: epoch after epoch, each a fresh permutation of the
 * data set drawn from (seed, epoch). The batch of step s is a pure function of (seed, s), which is
 * what lets a resumed run see exactly the batches an uninterrupted one would have seen.
 */
public final class BatchSampler {
  private final int size;
  private final int batch;
  private final long seed;
  private long cachedEpoch = -1;
  private int[] cachedPermutation;

  public BatchSampler(int size, int batch, long seed) {
    if (batch > size) {
      throw FlowmatchException.invalidArgument(
          "batch " + batch + " is larger than the data set (" + size + " samples)");
    }
    this.size = size;
    this.batch = batch;
    this.seed = seed;
  }

  /** Indices of the samples of step {@code step} (0-based). */
  public int[] indices(long step) {
    int[] out = new int[batch];
    long start = step * batch;
    for (int i = 0; i < batch; i++) {
      long position = start + i;
      out[i] = permutation(position / size)[(int) (position % size)];
    }
    return out;
  }

  private int[] permutation(long epoch) {
    if (epoch != cachedEpoch) {
      int[] p = new int[size];
      for (int i = 0; i < size; i++) {
        p[i] = i;
      }
      SplittableRandom rng = new SplittableRandom(StepRandom.mix(seed, 0x5eedL, epoch));
      for (int i = size - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int tmp = p[i];
        p[i] = p[j];
        p[j] = tmp;
      }
      cachedPermutation = p;
      cachedEpoch = epoch;
    }
    return cachedPermutation;
  }
}
