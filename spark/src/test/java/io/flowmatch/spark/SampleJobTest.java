package io.flowmatch.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.solver.SolverSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleJobTest {
  private static JavaSparkContext sc;
  @TempDir Path tmp;

  @BeforeAll
  static void start() {
    // local[2,2]: two cores, and two attempts per task (local mode retries nothing by default)
    sc = SparkTesting.local("SampleJobTest", "local[2,2]");
  }

  @AfterAll
  static void stop() {
    sc.stop();
  }

  static SampleSpec spec(
      String model, String solver, SolverSettings settings, long n, int batch, int shardBatches) {
    return SampleSpec.of(
        SparkTesting.model(model).toString(),
        null,
        solver,
        settings,
        n,
        11,
        batch,
        FieldOptions.AUTO_BATCH,
        1,
        shardBatches);
  }

  /** flowmatch sample --save-npy with the same request, on one machine. */
  private Path single(String model, String solverArgs, long n, int batch) throws Exception {
    Path npy = tmp.resolve("single-" + model + "-" + solverArgs.replace(' ', '_') + ".npy");
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "sample",
                "--model",
                SparkTesting.model(model).toString(),
                "--n",
                "" + n,
                "--seed",
                "11",
                "--batch",
                "" + batch,
                "--threads",
                "1",
                "--quiet",
                "--save-npy",
                npy.toString()));
    args.addAll(List.of(solverArgs.split(" ")));
    SparkTesting.cli(args.toArray(String[]::new));
    return npy;
  }

  @Test
  void unionOfShardsEqualsSingleMachineSampleWhateverTheSharding() throws Exception {
    long n = 1000;
    Path reference = single("gmm8.onnx", "--solver heun --steps 8", n, 64);
    byte[] expected = Files.readAllBytes(reference);
    for (int shardBatches : new int[] {1, 3, 16}) {
      Path out = tmp.resolve("heun-" + shardBatches);
      SampleJob.Result r =
          SampleJob.run(
              sc, spec("gmm8.onnx", "heun", SolverSettings.fixed(8), n, 64, shardBatches), out);
      assertEquals((16 + shardBatches - 1) / shardBatches, r.manifest().shards().size());
      assertEquals(16.0, r.meanNfe(), 0);
      Path merged = tmp.resolve("merged-" + shardBatches + ".npy");
      ShardFiles.merge(out, merged);
      assertArrayEquals(
          expected, Files.readAllBytes(merged), "shards of " + shardBatches + " batches");
    }
  }

  @Test
  void wholeBatchAdaptiveSolverStaysIdenticalBecauseShardsAreWholeBatches() throws Exception {
    // dopri5 shares one step size across a batch: a shard that cut a batch would change samples
    long n = 300;
    byte[] expected =
        Files.readAllBytes(single("gmm8.onnx", "--solver dopri5 --rtol 1e-4 --atol 1e-4", n, 32));
    Path out = tmp.resolve("dopri5");
    SampleJob.run(
        sc, spec("gmm8.onnx", "dopri5", SolverSettings.adaptive(1e-4, 1e-4), n, 32, 2), out);
    Path merged = tmp.resolve("dopri5.npy");
    ShardFiles.merge(out, merged);
    assertArrayEquals(expected, Files.readAllBytes(merged));
  }

  @Test
  void aTaskThatFailsOnceIsRetriedWithEverySampleExactlyOnce() throws Exception {
    long n = 640;
    byte[] expected = Files.readAllBytes(single("gmm8.onnx", "--solver euler --steps 5", n, 64));
    Path markers = Files.createDirectories(tmp.resolve("markers"));
    System.setProperty(FaultInjection.MARKER_DIR, markers.toString());
    System.setProperty(FaultInjection.SHARD, "2");
    Path out = tmp.resolve("retried");
    SampleJob.Result r;
    try {
      r = SampleJob.run(sc, spec("gmm8.onnx", "euler", SolverSettings.fixed(5), n, 64, 2), out);
    } finally {
      System.clearProperty(FaultInjection.MARKER_DIR);
      System.clearProperty(FaultInjection.SHARD);
    }
    assertTrue(Files.exists(markers.resolve("failed-2")), "the fault fired");
    assertEquals(1, r.retried());
    assertEquals(1, r.shards().stream().filter(s -> s.index() == 2 && s.attempt() == 1).count());
    Path merged = tmp.resolve("retried.npy");
    ShardFiles.merge(out, merged);
    assertArrayEquals(expected, Files.readAllBytes(merged));
    assertEquals(
        List.of(), ShardFiles.leftovers(out), "no temporary file of the failed attempt is left");
  }

  @Test
  void badRequestsFailFastAndLeaveNothing() throws Exception {
    Path out = tmp.resolve("bad");
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                SampleJob.run(
                    sc, spec("gmm8.onnx", "heun", SolverSettings.fixed(4), 0, 64, 1), out));
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals("--n must be a positive integer, got 0", e.getMessage());
    assertFalse(Files.exists(out));
    Files.createDirectories(out);
    Files.writeString(out.resolve("other.txt"), "x");
    e =
        assertThrows(
            FlowmatchException.class,
            () ->
                SampleJob.run(
                    sc, spec("gmm8.onnx", "heun", SolverSettings.fixed(4), 10, 64, 1), out));
    assertTrue(e.getMessage().contains("is not empty"), e.getMessage());
  }
}
