package io.flowmatch.spark;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.OnnxVelocityField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Distributed {@code flowmatch sample}: one Spark task per shard of sample indices ({@link
 * ShardPlan}), each integrating its shard on an executor ({@link ShardSampler}) and committing
 * {@code part-NNNNN.npy} into a folder that every executor and the driver can reach; then the
 * driver checks that every shard is there exactly once and writes {@code manifest.json} last.
 *
 * <p>Only per-shard summaries travel to the driver, never samples: its memory does not depend on n.
 * A failed run removes what it wrote.
 */
public final class SampleJob {
  private SampleJob() {}

  /** What a run produced and cost. */
  public record Result(
      Manifest manifest, List<ShardResult> shards, long wallNanos, String provider) {
    public long samples() {
      return manifest.n();
    }

    public double wallSeconds() {
      return wallNanos / 1e9;
    }

    public double samplesPerSecond() {
      return manifest.n() / wallSeconds();
    }

    /** Mean NFE per sample over all shards. */
    public double meanNfe() {
      return shards.stream().mapToLong(ShardResult::nfeSum).sum() / (double) manifest.n();
    }

    /** Retried attempts among the committed shards. */
    public int retried() {
      return (int) shards.stream().filter(s -> s.attempt() > 0).count();
    }
  }

  /**
   * Runs {@code spec} on {@code sc}, writing into {@code outDir} (created if missing; it must hold
   * no files).
   */
  public static Result run(JavaSparkContext sc, SampleSpec spec, Path outDir) {
    spec.check();
    long start = System.nanoTime();
    int[] shape;
    String provider;
    // open the model once on the driver: a bad path or model fails here, not in every task
    try (OnnxVelocityField field =
        OnnxVelocityField.open(Path.of(spec.model()), spec.fieldOptions(1))) {
      shape = field.sampleShape();
      provider = field.providerUsed();
    }
    Path dir = outDir.toAbsolutePath();
    boolean created = prepare(dir);
    List<ShardPlan.Shard> shards = ShardPlan.of(spec.n(), spec.batch(), spec.batchesPerShard());
    String dirText = dir.toString();
    List<ShardResult> results;
    try {
      results =
          new ArrayList<>(
              sc.parallelize(shards, shards.size())
                  .map(shard -> ShardSampler.sample(spec, shard, Path.of(dirText)))
                  .collect());
      results.sort(Comparator.comparingInt(ShardResult::index));
      Manifest manifest = manifest(spec, shape, shards, results, dir);
      for (Path p : ShardFiles.leftovers(dir)) {
        Files.deleteIfExists(p);
      }
      manifest.write(dir);
      return new Result(manifest, List.copyOf(results), System.nanoTime() - start, provider);
    } catch (RuntimeException | IOException e) {
      cleanUp(dir, created, e);
      if (e instanceof IOException io) {
        throw FlowmatchException.io(
            "cannot write the samples in " + dir + ": " + io.getMessage(), io);
      }
      throw unwrap((RuntimeException) e);
    }
  }

  /** Checks that every shard committed exactly once with the size its samples need. */
  private static Manifest manifest(
      SampleSpec spec,
      int[] shape,
      List<ShardPlan.Shard> shards,
      List<ShardResult> results,
      Path dir)
      throws IOException {
    if (results.size() != shards.size()) {
      throw new IllegalStateException(
          results.size() + " shard results for " + shards.size() + " shards");
    }
    List<Manifest.Entry> entries = new ArrayList<>();
    for (int k = 0; k < shards.size(); k++) {
      ShardPlan.Shard s = shards.get(k);
      ShardResult r = results.get(k);
      if (r.index() != s.index() || r.first() != s.first() || r.count() != s.count()) {
        throw new IllegalStateException("shard " + s + " came back as " + r);
      }
      long size = Files.size(dir.resolve(s.fileName()));
      if (size != r.bytes()) {
        throw new IllegalStateException(
            s.fileName() + " holds " + size + " bytes, its task wrote " + r.bytes());
      }
      entries.add(
          new Manifest.Entry(s.index(), s.first(), s.count(), s.fileName(), r.bytes(), r.sha256()));
    }
    return new Manifest(
        Manifest.FORMAT,
        spec.model(),
        spec.describeSolver(),
        spec.n(),
        spec.seed(),
        spec.batch(),
        shape,
        "float32",
        entries);
  }

  /** Creates the folder or checks that it is empty; returns whether it was created. */
  static boolean prepare(Path dir) {
    try {
      if (Files.exists(dir)) {
        if (!Files.isDirectory(dir)) {
          throw FlowmatchException.invalidArgument(
              "--out " + dir + " is a file, expected a folder");
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          if (files.iterator().hasNext()) {
            throw FlowmatchException.invalidArgument(
                "--out "
                    + dir
                    + " is not empty; give a new or empty folder (shards are never mixed across runs)");
          }
        }
        return false;
      }
      Files.createDirectories(dir);
      return true;
    } catch (IOException e) {
      throw FlowmatchException.io("cannot create --out " + dir + ": " + e.getMessage(), e);
    }
  }

  static void cleanUp(Path dir, boolean created, Exception cause) {
    try {
      ShardFiles.deleteOutputs(dir);
      if (created) {
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * The library's own exception when a task threw one: Spark wraps task failures in a {@code
   * SparkException} whose message holds the executor's stack trace.
   */
  static RuntimeException unwrap(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof FlowmatchException fe) {
        return fe;
      }
    }
    return e;
  }

  static UncheckedIOException unchecked(IOException e) {
    return new UncheckedIOException(e);
  }
}
