package io.flowmatch.inference.field;

import io.flowmatch.inference.perf.FlopCount;
import io.flowmatch.inference.perf.FlopCounter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How many samples one CPU model call takes when the caller leaves it to flowmatch ({@link
 * FieldOptions#AUTO_BATCH}): the largest power of two whose biggest intermediate tensor stays
 * within {@link #CACHE_BUDGET_BYTES}, between 1 and {@link #MAX_CALL_BATCH}.
 *
 * <p>Why: a call's activations are written and read back several times per layer; once the biggest
 * of them outgrows the cache every layer streams from memory. Measured here (AMD EPYC, L2 2 MiB, L3
 * 32 MiB, 1 thread, BENCHMARKS.md): the Fashion-MNIST DiT (75 KB per sample in its largest tensor)
 * needed 0.65 ms per sample in calls of 8–64 samples and 0.75 ms in calls of 256; an MLP with 3 KB
 * per sample was fastest at 256–1024 and 1.2× slower at 4096. A 4 MiB budget picks 32 and 1024 for
 * those two. GPU providers keep {@link FieldOptions#DEFAULT_MAX_BATCH}.
 */
public final class CallBatch {
  /** Bytes the largest intermediate tensor of one call may take. */
  public static final long CACHE_BUDGET_BYTES = 4L << 20;

  /** Upper bound: beyond this, calls are long and per-call overhead is already negligible. */
  public static final int MAX_CALL_BATCH = 1024;

  private CallBatch() {}

  /**
   * The call batch for {@code model} on {@code provider}; {@link FieldOptions#DEFAULT_MAX_BATCH}
   * when the provider is a GPU or the graph has an op the shape counter does not know.
   */
  public static int choose(Path model, String provider) {
    if (!"cpu".equals(provider)) {
      return FieldOptions.DEFAULT_MAX_BATCH;
    }
    try {
      FlopCount perSample = FlopCounter.count(model, 1);
      // 4 bytes per element: float16 graphs keep float32 islands, so assume the wider type
      return forLargestTensor(perSample.largestTensorElements() * 4L);
    } catch (IOException | RuntimeException e) {
      // a graph the counter cannot size (an unknown op, unreadable constants) gets the default
      return FieldOptions.DEFAULT_MAX_BATCH;
    }
  }

  /** The largest power of two n ≤ {@link #MAX_CALL_BATCH} with n·bytesPerSample ≤ the budget. */
  public static int forLargestTensor(long bytesPerSample) {
    if (bytesPerSample <= 0) {
      return MAX_CALL_BATCH;
    }
    long fit = Math.max(1, CACHE_BUDGET_BYTES / bytesPerSample);
    return (int) Math.min(MAX_CALL_BATCH, Long.highestOneBit(fit));
  }
}
