package io.flowmatch.spark;

import io.flowmatch.inference.api.QualityMetrics;
import io.flowmatch.inference.compare.CompareEngine;
import io.flowmatch.inference.compare.CompareReport;
import io.flowmatch.inference.compare.ConvergenceOrder;
import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.compare.SolverSetting;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.metrics.PointCloudMetrics;
import io.flowmatch.inference.metrics.QualityMetric;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.NoiseSource;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * Distributed {@code flowmatch compare}: a solver sweep whose tasks are (setting, shard) pairs.
 *
 * <p>Stage one solves the reference (dop853 in double, {@link ReferenceSolver}) per shard and keeps
 * it in Spark's block stores ({@code MEMORY_AND_DISK}, recomputed from its lineage if an executor
 * is lost): it never reaches the driver. Stage two is the {@code cartesian} product of those shards
 * with the settings, one task per pair: the task integrates its shard with its setting from the
 * seed's per-sample noise (the same samples {@code compare} integrates, since shards are whole
 * batches) and returns only NFE counts, times, and one RMS error per sample; for low-dimensional
 * samples with a quality metric it also returns the samples, which the metric needs together.
 *
 * <p>The driver combines the shards in sample order with the library's own arithmetic ({@link
 * CompareEngine#errorSummary}, {@link QualityMetric#score}), so NFE, errors and quality equal those
 * of {@code flowmatch compare --reference-tol T} with the same model, settings, n, batch and seed
 * exactly; only the times differ. A setting's wall time is the sum of its tasks' solve times (what
 * one core of one executor spent), so samples/s is per executor core.
 */
public final class CompareJob {
  private CompareJob() {}

  /**
   * A solver setting as it travels to the executors ({@link SolverSetting} is not Serializable).
   */
  public record Setting(String solver, String grid, int steps, double rtol, double atol)
      implements Serializable {
    public static Setting of(SolverSetting s) {
      return new Setting(s.solver(), s.grid(), s.steps(), s.rtol(), s.atol());
    }

    public SolverSetting toSetting() {
      return new SolverSetting(solver, grid, steps, rtol, atol);
    }
  }

  /**
   * What to sweep.
   *
   * @param samples model, n, seed, batch, call size, threads and shard size (its solver is unused)
   * @param settings the settings, in report order
   * @param maxEvaluations evaluation bound of the adaptive settings
   * @param referenceTolerance rtol = atol of the reference dop853, or NaN for no reference
   * @param referenceMaxEvaluations evaluation bound of each reference solve
   * @param quality whether to score quality where the model allows it ({@link SweepQuality})
   */
  public record Request(
      SampleSpec samples,
      List<Setting> settings,
      long maxEvaluations,
      double referenceTolerance,
      long referenceMaxEvaluations,
      boolean quality)
      implements Serializable {
    public Request {
      settings = List.copyOf(settings);
    }

    boolean hasReference() {
      return !Double.isNaN(referenceTolerance);
    }
  }

  /** The reference solution of one shard, in double. */
  record ReferenceShard(ShardPlan.Shard shard, double[] x, long nfeSum, long wallNanos)
      implements Serializable {}

  /** What one (setting, shard) task measured; {@code failure} is a solver's one-line message. */
  record Part(
      int setting,
      int shard,
      int count,
      long nfeSum,
      int nfeMin,
      int nfeMax,
      long modelCalls,
      long modelNanos,
      long wallNanos,
      double[] sampleErrors,
      float[] samples,
      String failure)
      implements Serializable {}

  /**
   * The report and what the run cost; {@code qualityNote} says why there is no quality metric when
   * one was asked for and the model has none (else null).
   */
  public record Result(
      CompareReport report, int tasks, int shards, long wallNanos, String qualityNote) {}

  /** Runs the sweep on {@code sc}. */
  public static Result run(JavaSparkContext sc, Request request) {
    long start = System.nanoTime();
    SampleSpec spec = request.samples().check();
    if (request.settings().isEmpty()) {
      throw FlowmatchException.invalidArgument("--solvers names no setting");
    }
    if (spec.n() > Integer.MAX_VALUE) {
      throw FlowmatchException.invalidArgument(
          "--n " + spec.n() + " is more than a comparison holds (" + Integer.MAX_VALUE + ")");
    }
    int n = (int) spec.n();
    int[] shape;
    String provider;
    QualityMetrics metrics = null;
    try (OnnxVelocityField field =
        OnnxVelocityField.open(Path.of(spec.model()), spec.fieldOptions(1))) {
      shape = field.sampleShape();
      provider = field.providerUsed();
      // a model on an unknown path fails here, once, not in every task
      AffineSchedule.fromMetadata(field.metadata());
      if (request.quality()) {
        metrics = SweepQuality.forModel(field.metadata(), shape, n, spec.seed()).orElse(null);
      }
    }
    try (QualityMetrics closing = metrics) {
      return sweep(sc, request, spec, n, shape, provider, metrics, start);
    }
  }

  private static Result sweep(
      JavaSparkContext sc,
      Request request,
      SampleSpec spec,
      int n,
      int[] shape,
      String provider,
      QualityMetrics metrics,
      long start) {
    QualityMetric quality = metrics == null ? null : metrics.metric();
    boolean keep = quality != null;
    List<ShardPlan.Shard> shards = ShardPlan.of(spec.n(), spec.batch(), spec.batchesPerShard());
    int settingCount = request.settings().size();
    List<Part> parts;
    String referenceText = null;
    double referenceNfe = Double.NaN;
    double referenceSeconds = Double.NaN;
    JavaRDD<ReferenceShard> references = null;
    try {
      if (request.hasReference()) {
        references =
            sc.parallelize(shards, shards.size())
                .map(shard -> reference(request, shard))
                .persist(StorageLevel.MEMORY_AND_DISK());
        // solve (and keep) every reference shard before the sweep reads them; only counts return
        List<long[]> costs = references.map(r -> new long[] {r.nfeSum(), r.wallNanos()}).collect();
        long nfe = 0;
        long nanos = 0;
        for (long[] c : costs) {
          nfe += c[0];
          nanos += c[1];
        }
        ReferenceSolver solver = referenceSolver(request);
        referenceText = solver.describe() + ", batches of " + Math.min(spec.batch(), n);
        referenceNfe = (double) nfe / n;
        referenceSeconds = nanos / 1e9;
        JavaPairRDD<ReferenceShard, Integer> pairs =
            references.cartesian(sc.parallelize(indices(settingCount), settingCount));
        parts = pairs.map(p -> solve(request, p._2(), p._1().shard(), p._1().x(), keep)).collect();
      } else {
        List<Tuple2<Integer, ShardPlan.Shard>> pairs = new ArrayList<>();
        for (ShardPlan.Shard shard : shards) {
          for (int k = 0; k < settingCount; k++) {
            pairs.add(new Tuple2<>(k, shard));
          }
        }
        parts =
            sc.parallelize(pairs, pairs.size())
                .map(p -> solve(request, p._1(), p._2(), null, keep))
                .collect();
      }
    } catch (RuntimeException e) {
      throw SampleJob.unwrap(e);
    } finally {
      if (references != null) {
        references.unpersist(false);
      }
    }
    List<SettingResult> results = new ArrayList<>();
    for (int k = 0; k < settingCount; k++) {
      results.add(
          combine(request, k, n, shape, shards.size(), partsOf(parts, k, shards.size()), quality));
    }
    CompareReport report =
        new CompareReport(
            spec.model(),
            shape,
            provider,
            n,
            spec.batch(),
            "Gaussian, seed " + spec.seed(),
            referenceText,
            referenceNfe,
            referenceSeconds,
            quality == null ? null : quality.description(),
            quality == null ? List.of() : quality.names(),
            metrics == null ? null : floor(metrics),
            request.maxEvaluations(),
            1,
            results,
            ConvergenceOrder.of(results));
    String note =
        request.quality() && quality == null
            ? "no quality metric: samples of more than "
                + PointCloudMetrics.MAX_DIMENSION
                + " values, or a model whose data set cannot be drawn here"
            : null;
    return new Result(
        report, settingCount * shards.size(), shards.size(), System.nanoTime() - start, note);
  }

  private static double[] floor(QualityMetrics metrics) {
    return metrics.floor().values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static List<Integer> indices(int count) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(i);
    }
    return out;
  }

  /** The parts of setting {@code k}, in shard order; every shard exactly once. */
  private static List<Part> partsOf(List<Part> parts, int k, int shards) {
    List<Part> mine = new ArrayList<>();
    for (Part p : parts) {
      if (p.setting() == k) {
        mine.add(p);
      }
    }
    mine.sort(Comparator.comparingInt(Part::shard));
    if (mine.size() != shards) {
      throw new IllegalStateException(
          "setting " + k + " came back with " + mine.size() + " shards, expected " + shards);
    }
    for (int s = 0; s < shards; s++) {
      if (mine.get(s).shard() != s) {
        throw new IllegalStateException("setting " + k + ": shard " + s + " missing or repeated");
      }
    }
    return mine;
  }

  /** One setting's result from its shards, combined in sample order. */
  private static SettingResult combine(
      Request request,
      int k,
      int n,
      int[] shape,
      int shards,
      List<Part> parts,
      QualityMetric quality) {
    SolverSetting setting = request.settings().get(k).toSetting();
    int qualityCount = quality == null ? 0 : quality.names().size();
    for (Part p : parts) {
      if (p.failure() != null) {
        double[] q = new double[qualityCount];
        Arrays.fill(q, Double.NaN);
        return new SettingResult(
            setting,
            n,
            Double.NaN,
            0,
            0,
            0,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            Double.NaN,
            q,
            p.failure());
      }
    }
    long nfe = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    long calls = 0;
    long modelNanos = 0;
    long wallNanos = 0;
    double[] errors = request.hasReference() ? new double[n] : null;
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    float[] samples = quality == null ? null : new float[Math.multiplyExact(n, size)];
    int at = 0;
    for (Part p : parts) {
      nfe += p.nfeSum();
      min = Math.min(min, p.nfeMin());
      max = Math.max(max, p.nfeMax());
      calls += p.modelCalls();
      modelNanos += p.modelNanos();
      wallNanos += p.wallNanos();
      if (errors != null) {
        System.arraycopy(p.sampleErrors(), 0, errors, at, p.count());
      }
      if (samples != null) {
        System.arraycopy(p.samples(), 0, samples, at * size, p.count() * size);
      }
      at += p.count();
    }
    double[] e =
        errors == null ? new double[] {Double.NaN, Double.NaN} : CompareEngine.errorSummary(errors);
    double[] q = quality == null ? new double[0] : quality.score(samples, n);
    return new SettingResult(
        setting,
        n,
        (double) nfe / n,
        min,
        max,
        calls,
        wallNanos / 1e9,
        modelNanos / 1e9,
        e[0],
        e[1],
        q,
        null);
  }

  private static ReferenceSolver referenceSolver(Request request) {
    return new ReferenceSolver(
        request.referenceTolerance(),
        request.referenceTolerance(),
        request.referenceMaxEvaluations());
  }

  /** Executor side: the reference of one shard, from the same noise as the settings. */
  static ReferenceShard reference(Request request, ShardPlan.Shard shard) {
    SampleSpec spec = request.samples();
    OnnxVelocityField field = ExecutorResources.field(spec);
    int size = field.sampleSize();
    float[] initial = new float[Math.multiplyExact(shard.count(), size)];
    new GaussianNoise(spec.seed()).fill(shard.first(), shard.count(), size, initial);
    ReferenceSolver.Result r;
    try {
      r = referenceSolver(request).solve(field, initial, shard.count(), spec.batch(), 0, 1);
    } catch (FlowmatchException e) {
      throw inShard(e, shard);
    }
    return new ReferenceShard(shard, r.x(), Math.round(r.meanNfe() * shard.count()), r.wallNanos());
  }

  /** Executor side: one setting on one shard. */
  static Part solve(
      Request request, int k, ShardPlan.Shard shard, double[] reference, boolean keepSamples) {
    SampleSpec spec = request.samples();
    OnnxVelocityField field = ExecutorResources.field(spec);
    int size = field.sampleSize();
    SolverSetting setting = request.settings().get(k).toSetting();
    float[] samples = new float[Math.multiplyExact(shard.count(), size)];
    GaussianNoise noise = new GaussianNoise(spec.seed());
    NoiseSource shifted =
        (first, count, sampleSize, out) ->
            noise.fill(shard.first() + first, count, sampleSize, out);
    Sampler.Sink sink =
        (first, count, x) -> System.arraycopy(x, 0, samples, (int) first * size, count * size);
    SampleReport report;
    try {
      report =
          Sampler.run(
              field,
              setting.create(
                  request.maxEvaluations(), AffineSchedule.fromMetadata(field.metadata())),
              shifted,
              shard.count(),
              spec.batch(),
              0,
              1,
              sink,
              Sampler.Progress.NONE);
    } catch (FlowmatchException e) {
      if (e.kind() != ErrorKind.NUMERIC) {
        throw e;
      }
      return new Part(
          k, shard.index(), shard.count(), 0, 0, 0, 0, 0, 0, null, null, message(e, shard));
    } catch (IOException e) {
      // the noise and the sink are arrays in memory
      throw new UncheckedIOException(e);
    }
    double[] errors =
        reference == null
            ? null
            : CompareEngine.sampleErrors(samples, reference, shard.count(), size);
    return new Part(
        k,
        shard.index(),
        shard.count(),
        Math.round(report.meanNfe() * shard.count()),
        report.minNfe(),
        report.maxNfe(),
        report.modelCalls(),
        report.modelNanos(),
        report.wallNanos(),
        errors,
        keepSamples ? samples : null,
        null);
  }

  private static String message(FlowmatchException e, ShardPlan.Shard shard) {
    return e.getMessage()
        + " [shard "
        + shard.index()
        + ": samples "
        + shard.first()
        + "-"
        + (shard.first() + shard.count() - 1)
        + "; sample numbers above are within the shard]";
  }

  private static FlowmatchException inShard(FlowmatchException e, ShardPlan.Shard shard) {
    return new FlowmatchException(e.kind(), "reference: " + message(e, shard), e);
  }
}
