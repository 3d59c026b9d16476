package io.flowmatch.spark;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.NpyStreamWriter;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.NoiseSource;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * The work of one sampling task (on an executor): integrates the samples of one shard with the
 * library's {@link Sampler}, from the per-sample noise streams of the request's seed, and commits
 * them as {@code part-NNNNN.npy} atomically. The file's bytes depend only on the request and the
 * shard, so a retried or speculative attempt that commits again replaces it with the same bytes:
 * committing is idempotent, and a failed attempt leaves only a hidden temporary file that the
 * driver removes.
 */
public final class ShardSampler {
  private ShardSampler() {}

  /** Samples {@code shard} of {@code spec} into {@code outDir}. */
  public static ShardResult sample(SampleSpec spec, ShardPlan.Shard shard, Path outDir)
      throws IOException {
    long start = System.nanoTime();
    OnnxVelocityField field = ExecutorResources.field(spec);
    long opened = System.nanoTime() - start;
    Path target = outDir.resolve(shard.fileName());
    SampleReport report;
    try (NpyStreamWriter out = NpyStreamWriter.open(target, field.sampleShape())) {
      report =
          integrate(
              spec,
              shard,
              field,
              (first, m, x) -> {
                out.append(x, m);
                if (first == 0 && m < shard.count()) {
                  FaultInjection.maybeFail(shard.index());
                }
              });
      out.commit();
    }
    String sha = sha256(target);
    TaskContext task = TaskContext.get();
    SparkEnv env = SparkEnv.get();
    return new ShardResult(
        shard.index(),
        shard.first(),
        shard.count(),
        shard.fileName(),
        Files.size(target),
        sha,
        Math.round(report.meanNfe() * shard.count()),
        report.minNfe(),
        report.maxNfe(),
        report.modelCalls(),
        report.modelNanos(),
        System.nanoTime() - start,
        // a cached session opens in microseconds: count only real opens
        opened > 1_000_000 ? opened : 0,
        env == null ? "driver" : env.executorId(),
        task == null ? 0 : task.attemptNumber(),
        spec.threads() > 0 ? spec.threads() : ExecutorResources.executorCores());
  }

  /**
   * Integrates the samples of {@code shard} into {@code sink}, which receives shard-relative
   * indices. Sample i's noise is the seed's stream i, whatever shard it falls in.
   */
  static SampleReport integrate(
      SampleSpec spec, ShardPlan.Shard shard, OnnxVelocityField field, Sampler.Sink sink)
      throws IOException {
    GaussianNoise noise = new GaussianNoise(spec.seed());
    NoiseSource shifted =
        (first, count, size, out) -> noise.fill(shard.first() + first, count, size, out);
    try {
      return Sampler.run(
          field,
          spec.createSolver(field.metadata()),
          shifted,
          shard.count(),
          spec.batch(),
          0,
          1,
          sink,
          Sampler.Progress.NONE);
    } catch (FlowmatchException e) {
      // the sampler numbers samples within the shard it was given
      throw new FlowmatchException(
          e.kind(),
          e.getMessage()
              + " [shard "
              + shard.index()
              + ": samples "
              + shard.first()
              + "-"
              + (shard.first() + shard.count() - 1)
              + "; sample numbers above are within the shard]",
          e);
    }
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r; (r = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, r);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
