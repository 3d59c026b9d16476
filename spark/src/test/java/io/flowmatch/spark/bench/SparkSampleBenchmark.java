package io.flowmatch.spark.bench;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.perf.MachineInfo;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.spark.SampleJob;
import io.flowmatch.spark.SampleSpec;
import io.flowmatch.spark.ShardResult;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Prints (not a test): samples/s of the plain sampler (what {@code flowmatch sample} runs) on 1 and
 * 2 threads against {@code spark sample} on local[1] and local[2] with the same total threads, side
 * by side in one run; Spark's own cost per task (empty tasks, and a sampling job cut into one-batch
 * shards); and the executor's memory.
 *
 * <pre>
 * CLASSPATH=spark/target/test-classes:spark/target/classes:$(cat spark/target/test-classpath.txt) \
 *   java $SPARK_JAVA_OPTS io.flowmatch.spark.bench.SparkSampleBenchmark \
 *   models/fashion-mnist-dit.onnx 1024 256 euler 20
 * </pre>
 *
 * <p>The class path goes in {@code CLASSPATH}: with it on the command line (about 16 KB) ONNX
 * Runtime 1.29 crashes the JVM (SIGSEGV) as it creates its environment.
 */
public final class SparkSampleBenchmark {
  private SparkSampleBenchmark() {}

  public static void main(String[] args) throws Exception {
    String model = args.length > 0 ? args[0] : "models/fashion-mnist-dit.onnx";
    long n = args.length > 1 ? Long.parseLong(args[1]) : 1024;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    String solver = args.length > 3 ? args[3] : "euler";
    int steps = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    System.out.println(
        "cpu: "
            + MachineInfo.cpuModel()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores");
    System.out.printf(
        Locale.ROOT, "model %s, n %d, batch %d, %s %d steps%n", model, n, batch, solver, steps);

    for (int threads : new int[] {1, 2}) {
      plain(model, n, batch, solver, steps, threads);
      spark(model, n, batch, solver, steps, threads);
    }
    overhead(model);
  }

  private static void plain(String model, long n, int batch, String solver, int steps, int threads)
      throws Exception {
    try (OnnxVelocityField field =
        OnnxVelocityField.open(
            Path.of(model), FieldOptions.defaults().withThreads(threads).withWarnings(l -> {}))) {
      SampleReport r =
          Sampler.run(
              field,
              io.flowmatch.inference.solver.Solvers.create(solver, SolverSettings.fixed(steps)),
              new GaussianNoise(0),
              n,
              batch,
              0,
              1,
              (f, m, x) -> {},
              Sampler.Progress.NONE);
      System.out.printf(
          Locale.ROOT,
          "plain sampler, %d thread(s):            %7.1f samples/s (%.2f s)%n",
          threads,
          r.samplesPerSecond(),
          r.wallSeconds());
    }
  }

  private static void spark(String model, long n, int batch, String solver, int steps, int cores)
      throws Exception {
    try (JavaSparkContext sc = context("local[" + cores + "]")) {
      SampleSpec spec =
          SampleSpec.of(
              model,
              null,
              solver,
              SolverSettings.fixed(steps),
              n,
              0,
              batch,
              FieldOptions.AUTO_BATCH,
              0,
              1);
      // a first small job opens the executor's session, as a long job would once
      SampleJob.run(sc, spec.withBatchesPerShard(1), Files.createTempDirectory("fm-bench-warm"));
      Path out = Files.createTempDirectory("fm-bench");
      Files.delete(out);
      SampleJob.Result r = SampleJob.run(sc, spec, out);
      double taskSeconds = r.shards().stream().mapToLong(ShardResult::wallNanos).sum() / 1e9;
      System.out.printf(
          Locale.ROOT,
          "spark sample local[%d] (%d shards, session of %d threads): %7.1f samples/s (%.2f s; tasks %.2f s of work)%n",
          cores,
          r.shards().size(),
          r.shards().get(0).threads(),
          r.samplesPerSecond(),
          r.wallSeconds(),
          taskSeconds);
      memory("  executor (= driver in local mode)");
    }
  }

  private static void overhead(String model) throws Exception {
    try (JavaSparkContext sc = context("local[1]")) {
      int tasks = 400;
      List<Integer> ids = IntStream.range(0, tasks).boxed().collect(Collectors.toList());
      sc.parallelize(ids, tasks).map(x -> x).collect();
      long t0 = System.nanoTime();
      sc.parallelize(ids, tasks).map(x -> x).collect();
      double perTask = (System.nanoTime() - t0) / 1e6 / tasks;
      System.out.printf(
          Locale.ROOT,
          "spark overhead: %d empty tasks on local[1]: %.2f ms per task%n",
          tasks,
          perTask);
      // one-batch shards of a small model: Spark's and the shard files' cost next to the work
      String gmm = Path.of(model).resolveSibling("gmm8.onnx").toString();
      SampleSpec spec =
          SampleSpec.of(
              gmm,
              null,
              "euler",
              SolverSettings.fixed(4),
              64 * 200,
              0,
              64,
              FieldOptions.AUTO_BATCH,
              1,
              1);
      SampleJob.run(sc, spec.withBatchesPerShard(200), Files.createTempDirectory("fm-bench-warm"));
      Path one = Files.createTempDirectory("fm-bench-1");
      Files.delete(one);
      SampleJob.Result many = SampleJob.run(sc, spec, one);
      Path all = Files.createTempDirectory("fm-bench-200");
      Files.delete(all);
      SampleJob.Result single = SampleJob.run(sc, spec.withBatchesPerShard(200), all);
      System.out.printf(
          Locale.ROOT,
          "gmm8 12800 samples, euler 4: 200 shards %.3f s, 1 shard %.3f s: %.2f ms per extra task (shard file, checksum, scheduling)%n",
          many.wallSeconds(),
          single.wallSeconds(),
          (many.wallSeconds() - single.wallSeconds()) * 1e3 / 199);
      ShardResult slowest =
          many.shards().stream()
              .max(Comparator.comparingLong(ShardResult::wallNanos))
              .orElseThrow();
      System.out.printf(
          Locale.ROOT, "  slowest of the 200 tasks: %.1f ms%n", slowest.wallNanos() / 1e6);
    }
  }

  private static void memory(String what) throws Exception {
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    String rss =
        Files.readAllLines(Path.of("/proc/self/status")).stream()
            .filter(l -> l.startsWith("VmRSS") || l.startsWith("VmHWM"))
            .map(l -> l.replaceAll("\\s+", " "))
            .collect(Collectors.joining(", "));
    System.out.printf(
        Locale.ROOT, "%s: heap used after GC %.0f MiB; %s%n", what, heap / 1048576.0, rss);
  }

  private static JavaSparkContext context(String master) {
    return new JavaSparkContext(
        new SparkConf()
            .setMaster(master)
            .setAppName("SparkSampleBenchmark")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1"));
  }
}
