package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone cluster in Spark's {@code local-cluster[workers,cores,memory]} mode: the Master and
 * two Workers run in this JVM (as Spark's own tests use it), and each Worker launches its executor
 * as a separate JVM through the standalone deploy code, exactly as on a real cluster. Samples with
 * one executor JVM halted mid-shard and checks that the union of the shards is byte-identical to
 * single-machine {@code flowmatch sample}, every sample exactly once ({@link HaltedExecutorRun}).
 *
 * <p>It runs in the default {@code mvn test}: only the two executor JVMs start, where {@link
 * StandaloneClusterTest} (the Master and Workers as child JVMs too) starts five.
 */
class LocalClusterTest {
  @TempDir Path tmp;

  @Test
  void twoExecutorJvmsSurviveAHaltedExecutorAndEqualSample() throws Exception {
    HaltedExecutorRun run = HaltedExecutorRun.prepare(tmp, 1024, 64);
    long start = System.nanoTime();
    try (LocalClusterMode mode = LocalClusterMode.enter(tmp)) {
      JavaSparkContext sc = mode.start(run.conf("local-cluster[2,1,512]", "LocalClusterTest"));
      try {
        mode.awaitExecutors(sc, 2, TimeUnit.SECONDS.toNanos(300));
        long registered = System.nanoTime();
        Set<Long> pids = LocalClusterMode.executorPids();
        assertEquals(2, pids.size(), "two executor JVMs, children of this one: " + pids);
        run.runAndCheck(sc);
        System.out.printf(
            "LocalClusterTest: executors registered after %.1f s, job %.1f s%n",
            (registered - start) / 1e9, (System.nanoTime() - registered) / 1e9);
      } finally {
        sc.stop();
      }
    }
  }
}
