package io.flowmatch.spark;

import java.io.Serializable;

/**
 * What one task reports for its shard: where the samples are, a checksum of the committed file, and
 * what the shard cost (the same quantities as {@code SampleReport}, summable over shards).
 *
 * @param index shard number
 * @param first first sample index
 * @param count samples in the shard
 * @param file file name in the output folder
 * @param bytes size of the committed file
 * @param sha256 SHA-256 of the committed file, hex
 * @param nfeSum model evaluations summed over the shard's samples
 * @param nfeMin fewest evaluations of any sample
 * @param nfeMax most evaluations of any sample
 * @param modelCalls batched model calls
 * @param modelNanos wall time inside the model
 * @param wallNanos wall time of the task's sampling, writing and checksum
 * @param openNanos time this task spent opening the model (0 when the executor had it open)
 * @param executor Spark executor id
 * @param attempt Spark's attempt number of this task (0 unless it was retried)
 * @param threads intra-op threads of the executor's session
 */
public record ShardResult(
    int index,
    long first,
    int count,
    String file,
    long bytes,
    String sha256,
    long nfeSum,
    int nfeMin,
    int nfeMax,
    long modelCalls,
    long modelNanos,
    long wallNanos,
    long openNanos,
    String executor,
    int attempt,
    int threads)
    implements Serializable {}
