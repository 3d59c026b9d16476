package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.solver.SolverSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster in Spark's {@code local-cluster[workers,cores,memory]} mode: the Master and
 * two Workers run in this JVM (as Spark's own tests use it), and each Worker launches its executor
 * as a separate JVM through the standalone deploy code, exactly as on a real cluster. Samples with
 * one executor JVM halted mid-shard and checks that the union of the shards is byte-identical to
 * single-machine {@code flowmatch sample}, every sample exactly once.
 *
 * <p>It runs in the default {@code mvn test}: only the two executor JVMs start, where {@link
 * StandaloneClusterTest} (the Master and Workers as child JVMs too) starts five.
 */
class LocalClusterTest {
  @TempDir Path tmp;

  @Test
  void twoExecutorJvmsSurviveAHaltedExecutorAndEqualSample() throws Exception {
    long n = 1024;
    String model = SparkTesting.model("gmm8.onnx").toString();
    Path single = tmp.resolve("single.npy");
    SparkTesting.cli(
        "sample",
        "--model",
        model,
        "--n",
        "" + n,
        "--seed",
        "21",
        "--solver",
        "rk4",
        "--steps",
        "5",
        "--batch",
        "64",
        "--threads",
        "1",
        "--quiet",
        "--save-npy",
        single.toString());

    Path markers = Files.createDirectories(tmp.resolve("markers"));
    long start = System.nanoTime();
    try (LocalClusterMode mode = LocalClusterMode.enter(tmp)) {
      SparkConf conf =
          new SparkConf()
              .setMaster("local-cluster[2,1,512]")
              .setAppName("LocalClusterTest")
              .set("spark.ui.enabled", "false")
              .set("spark.executor.memory", "512m")
              .set("spark.executor.cores", "1")
              .set(
                  "spark.executor.extraJavaOptions",
                  // a JVM that starts fast on a loaded machine: C1 only, one GC thread
                  "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -D"
                      + FaultInjection.MARKER_DIR
                      + "="
                      + markers
                      + " -D"
                      + FaultInjection.SHARD
                      + "=3 -D"
                      + FaultInjection.MODE
                      + "=halt");
      JavaSparkContext sc = mode.start(conf);
      try {
        mode.awaitExecutors(sc, 2, TimeUnit.SECONDS.toNanos(300));
        long registered = System.nanoTime();
        Set<Long> pids = LocalClusterMode.executorPids();
        assertEquals(2, pids.size(), "two executor JVMs, children of this one: " + pids);
        Path out = tmp.resolve("samples");
        SampleSpec spec =
            SampleSpec.of(
                model,
                null,
                "rk4",
                SolverSettings.fixed(5),
                n,
                21,
                64,
                FieldOptions.AUTO_BATCH,
                0,
                2);
        SampleJob.Result r = SampleJob.run(sc, spec, out);
        System.out.printf(
            "LocalClusterTest: executors registered after %.1f s, job %.1f s%n",
            (registered - start) / 1e9, (System.nanoTime() - registered) / 1e9);

        assertTrue(Files.exists(markers.resolve("failed-3")), "an executor was halted in shard 3");
        assertEquals(8, r.shards().size());
        ShardResult retried = r.shards().get(3);
        assertTrue(retried.attempt() >= 1, "shard 3 was retried: " + retried);
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
      } finally {
        sc.stop();
      }
    }
  }
}
