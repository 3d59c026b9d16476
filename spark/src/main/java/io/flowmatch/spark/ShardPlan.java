package io.flowmatch.spark;

import io.flowmatch.inference.error.FlowmatchException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits sample indices 0 … n−1 into shards of whole batches: shard k holds the samples {@code
 * k·B·b … min(n, (k+1)·B·b) − 1} for batch size b and B batches per shard. Because every shard
 * starts on a batch boundary, each solve sees exactly the samples the same solve sees on one
 * machine (a whole-batch adaptive solver shares its steps across a batch), so the samples do not
 * depend on B or on how shards are spread over executors.
 */
public final class ShardPlan {
  private ShardPlan() {}

  /** Samples {@code first … first + count − 1}, the {@code index}-th shard. */
  public record Shard(int index, long first, int count) implements Serializable {
    /** The file name of this shard's samples, {@code part-00007.npy}. */
    public String fileName() {
      return String.format(java.util.Locale.ROOT, "part-%05d.npy", index);
    }
  }

  /**
   * The shards of {@code n} samples in batches of {@code batch}, {@code batchesPerShard} per shard.
   */
  public static List<Shard> of(long n, int batch, int batchesPerShard) {
    if (n < 1 || batch < 1 || batchesPerShard < 1) {
      throw FlowmatchException.invalidArgument(
          "need n, batch and batches per shard ≥ 1, got "
              + n
              + ", "
              + batch
              + ", "
              + batchesPerShard);
    }
    long perShard = (long) batch * batchesPerShard;
    if (perShard > Integer.MAX_VALUE) {
      throw FlowmatchException.invalidArgument(
          "a shard of "
              + batchesPerShard
              + " batches of "
              + batch
              + " exceeds "
              + Integer.MAX_VALUE
              + " samples");
    }
    long shards = (n + perShard - 1) / perShard;
    if (shards > 99_999) {
      throw FlowmatchException.invalidArgument(
          n
              + " samples in shards of "
              + perShard
              + " make "
              + shards
              + " shards, more than 99999;"
              + " give more --shard-batches");
    }
    List<Shard> out = new ArrayList<>();
    for (int k = 0; k < shards; k++) {
      long first = k * perShard;
      out.add(new Shard(k, first, (int) Math.min(perShard, n - first)));
    }
    return out;
  }

  /** Batches per shard that make about {@code shards} shards (at least one batch each). */
  public static int batchesFor(long n, int batch, int shards) {
    long batches = (n + batch - 1) / batch;
    return (int) Math.max(1, (batches + shards - 1) / shards);
  }
}
