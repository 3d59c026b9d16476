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
 * 2 threads against {@code spark sample} on local[1] and local[2] with the same total threads,
 * interleaved (A B C D A B C D …) so that a change of the machine's load hits every configuration
 * alike, with the medians and their ratios; Spark's own cost per task (empty tasks, and a sampling
 * job cut into one-batch shards); and the executor's memory.
 *
 * <pre>
 * CLASSPATH=spark/target/test-classes:spark/target/classes:$(cat spark/target/test-classpath.txt) \
 *   java $SPARK_JAVA_OPTS io.flowmatch.spark.bench.SparkSampleBenchmark \
 *   models/fashion-mnist-dit.onnx 512 256 euler 20 3
 * </pre>
 *
 * <p>The class path goes in {@code CLASSPATH}: with it on the command line (about 16 KB) ONNX
 * Runtime 1.29 crashes the JVM (SIGSEGV) as it creates its environment.
 */
public final class SparkSampleBenchmark {
  private SparkSampleBenchmark() {}

  public static void main(String[] args) throws Exception {
    String model = args.length > 0 ? args[0] : "models/fashion-mnist-dit.onnx";
    long n = args.length > 1 ? Long.parseLong(args[1]) : 512;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    String solver = args.length > 3 ? args[3] : "euler";
    int steps = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    System.out.println(
        "cpu: "
            + MachineInfo.cpuModel()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " cores; load average at start "
            + load());
    System.out.printf(
        Locale.ROOT,
        "model %s, n %d, batch %d, %s %d steps; %d rounds of A B C D, interleaved so that load"
            + " drift hits every configuration alike%n",
        model,
        n,
        batch,
        solver,
        steps,
        rounds);
    String[] names = {
      "A plain sampler, 1 thread",
      "B spark local[1]",
      "C plain sampler, 2 threads",
      "D spark local[2]"
    };
    double[][] rates = new double[4][rounds];
    // the plain sampler's sessions stay open across rounds, as the executors' do (their first
    // task opens the session; a warm-up job per context takes that out of the timing)
    try (OnnxVelocityField one = open(model, 1);
        OnnxVelocityField two = open(model, 2)) {
      plain(one, n, batch, solver, steps);
      plain(two, n, batch, solver, steps);
      for (int r = 0; r < rounds; r++) {
        rates[0][r] = plain(one, n, batch, solver, steps);
        rates[1][r] = spark(model, n, batch, solver, steps, 1, r == rounds - 1);
        rates[2][r] = plain(two, n, batch, solver, steps);
        rates[3][r] = spark(model, n, batch, solver, steps, 2, r == rounds - 1);
        System.out.printf(
            Locale.ROOT,
            "round %d: A %.1f, B %.1f, C %.1f, D %.1f samples/s; load average %s%n",
            r + 1,
            rates[0][r],
            rates[1][r],
            rates[2][r],
            rates[3][r],
            load());
      }
    }
    double[] median = new double[4];
    for (int c = 0; c < 4; c++) {
      median[c] = median(rates[c]);
      System.out.printf(Locale.ROOT, "%-28s median %7.1f samples/s%n", names[c], median[c]);
    }
    System.out.printf(
        Locale.ROOT,
        "ratios of medians: local[1]/plain-1 %.3f, local[2]/plain-2 %.3f, plain-2/plain-1 %.3f,"
            + " local[2]/local[1] %.3f%n",
        median[1] / median[0],
        median[3] / median[2],
        median[2] / median[0],
        median[3] / median[1]);
    overhead(model);
    System.out.println("load average at end " + load());
  }

  private static OnnxVelocityField open(String model, int threads) {
    return OnnxVelocityField.open(
        Path.of(model), FieldOptions.defaults().withThreads(threads).withWarnings(l -> {}));
  }

  private static double plain(OnnxVelocityField field, long n, int batch, String solver, int steps)
      throws Exception {
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
    return r.samplesPerSecond();
  }

  private static double spark(
      String model, long n, int batch, String solver, int steps, int cores, boolean memory)
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
      // a small job first: the first context opens the executor's session, as a long job would
      // once; later contexts find it open (the sessions are per JVM)
      Path warm = Files.createTempDirectory("fm-bench-warm");
      SampleJob.run(
          sc,
          SampleSpec.of(
              model,
              null,
              solver,
              SolverSettings.fixed(1),
              cores,
              0,
              batch,
              FieldOptions.AUTO_BATCH,
              0,
              1),
          warm);
      Path out = Files.createTempDirectory("fm-bench");
      Files.delete(out);
      SampleJob.Result r = SampleJob.run(sc, spec, out);
      delete(warm);
      delete(out);
      if (memory) {
        memory("  after local[" + cores + "]: executor (= driver in local mode)");
      }
      return r.samplesPerSecond();
    }
  }

  private static void delete(Path dir) throws Exception {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split(" ", 4)[0];
    } catch (java.io.IOException e) {
      return "?";
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
