package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.solver.SolverSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What the cluster tests ({@link LocalClusterTest}, {@link StandaloneClusterTest}) check, whatever
 * starts their cluster: gmm8 sampled (rk4, 5 steps, seed 21) in 8 shards on two 1-core executor
 * JVMs, one of which halts in shard 3; the union of the shards must equal single-machine {@code
 * flowmatch sample --save-npy} byte for byte, every sample exactly once.
 */
final class HaltedExecutorRun {
  /** The shard whose first attempt halts its executor JVM. */
  static final int HALTED_SHARD = 3;

  private final Path tmp;
  private final String model;
  private final long n;
  private final int batch;
  private final Path single;
  private final Path markers;

  private HaltedExecutorRun(Path tmp, long n, int batch) throws IOException {
    this.tmp = tmp;
    this.model = SparkTesting.model("gmm8.onnx").toString();
    this.n = n;
    this.batch = batch;
    this.single = tmp.resolve("single.npy");
    this.markers = Files.createDirectories(tmp.resolve("markers"));
  }

  /**
   * Samples {@code n} on one machine in batches of {@code batch} (the expected bytes), before any
   * cluster starts; {@code n / batch} must be 16, two batches a shard.
   */
  static HaltedExecutorRun prepare(Path tmp, long n, int batch) throws IOException {
    HaltedExecutorRun run = new HaltedExecutorRun(tmp, n, batch);
    SparkTesting.cli(
        "sample",
        "--model",
        run.model,
        "--n",
        "" + n,
        "--seed",
        "21",
        "--solver",
        "rk4",
        "--steps",
        "5",
        "--batch",
        "" + batch,
        "--threads",
        "1",
        "--quiet",
        "--save-npy",
        run.single.toString());
    return run;
  }

  /**
   * The driver's settings: two 1-core executors of 512 MiB whose JVMs start fast on a loaded
   * machine (C1 only, one GC thread) and halt in {@link #HALTED_SHARD}.
   */
  SparkConf conf(String master, String app) {
    return new SparkConf()
        .setMaster(master)
        .setAppName(app)
        .set("spark.ui.enabled", "false")
        .set("spark.executor.memory", "512m")
        .set("spark.executor.cores", "1")
        .set(
            "spark.executor.extraJavaOptions",
            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -D"
                + FaultInjection.MARKER_DIR
                + "="
                + markers
                + " -D"
                + FaultInjection.SHARD
                + "="
                + HALTED_SHARD
                + " -D"
                + FaultInjection.MODE
                + "=halt");
  }

  /** Runs the sample job on {@code sc} (its executors registered) and checks its outcome. */
  SampleJob.Result runAndCheck(JavaSparkContext sc) throws IOException {
    Path out = tmp.resolve("samples");
    SampleSpec spec =
        SampleSpec.of(
            model,
            null,
            "rk4",
            SolverSettings.fixed(5),
            n,
            21,
            batch,
            FieldOptions.AUTO_BATCH,
            0,
            2);
    SampleJob.Result r = SampleJob.run(sc, spec, out);
    assertTrue(
        Files.exists(markers.resolve("failed-" + HALTED_SHARD)),
        "an executor was halted in shard " + HALTED_SHARD);
    assertEquals(8, r.shards().size());
    ShardResult retried = r.shards().get(HALTED_SHARD);
    assertTrue(retried.attempt() >= 1, "shard " + HALTED_SHARD + " was retried: " + retried);
    Set<String> executors =
        r.shards().stream().map(ShardResult::executor).collect(Collectors.toSet());
    assertTrue(
        executors.size() >= 2 && !executors.contains("driver"),
        "shards ran on several executor JVMs, none in the driver: " + executors);
    assertTrue(
        r.shards().stream().allMatch(s -> s.threads() == 1),
        "one intra-op thread per 1-core executor");
    assertEquals(List.of(), ShardFiles.leftovers(out));
    Path merged = tmp.resolve("merged.npy");
    ShardFiles.merge(out, merged);
    assertArrayEquals(Files.readAllBytes(single), Files.readAllBytes(merged));
    return r;
  }
}
