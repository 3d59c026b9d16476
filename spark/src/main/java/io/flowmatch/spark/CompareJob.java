package io.flowmatch.spark;

import io.flowmatch.inference.api.Comparison;
import io.flowmatch.inference.compare.AutoReference;
import io.flowmatch.inference.compare.ClassShares;
import io.flowmatch.inference.compare.CompareEngine;
import io.flowmatch.inference.compare.CompareMath;
import io.flowmatch.inference.compare.CompareReport;
import io.flowmatch.inference.compare.ConvergenceOrder;
import io.flowmatch.inference.compare.ReferenceMethod;
import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.compare.SolverSetting;
import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.dataset.ReferenceData;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.metrics.FrechetDistance;
import io.flowmatch.inference.metrics.GaussianStats;
import io.flowmatch.inference.metrics.OnnxClassifier;
import io.flowmatch.inference.metrics.PointCloudMetrics;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.NoiseSource;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.ToleranceException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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
 * samples with a quality metric it also returns the samples, which the metric needs together; with
 * a classifier (image models) the feature moments and class counts of its samples, which the same
 * {@code treeAggregate} that gathers the parts sums per setting; and the run's first samples, for
 * the pictures.
 *
 * <p>The driver combines the shards in sample order with the library's own arithmetic ({@link
 * CompareEngine#errorSummary}, {@link PointCloudMetrics#score}, {@link FrechetDistance}), so NFE,
 * errors and point-cloud quality equal those of {@code flowmatch compare --reference-tol T} with
 * the same model, settings, n, batch and seed exactly, the Fréchet distance up to the order of
 * summation; only the times differ. A setting's wall time is the sum of its tasks' solve times
 * (with {@code repeats}, each task's median solve): what one core of one executor spent, so
 * samples/s is per executor core.
 *
 * <p>With the automatic reference ({@link Request#autoReference}) the order is {@code compare}'s:
 * the settings first, then {@link AutoReference}'s ladder with each rung a stage over the shards;
 * see {@link #autoSweep}.
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
   * @param referenceTolerance rtol = atol of the reference dop853, or NaN for no reference (or for
   *     the automatic one)
   * @param referenceMaxEvaluations evaluation bound of each reference solve
   * @param quality whether to score quality where the model allows it ({@link SweepQuality}, or the
   *     classifier's)
   * @param classifier image classifier for the Fréchet distance and class histograms, or null
   * @param dataDir folder of the model's image set (IDX files), with a classifier
   * @param dataN reference images (0: 10000 or n if more, at most the training set)
   * @param classifierThreads classifier intra-op threads per executor (0: the executor's cores)
   * @param repeats timed solves per task; a task's times are its median solve's
   * @param pictures whether to return the first samples of each setting for pictures
   * @param autoReference the reference's tolerance is chosen as {@code compare --reference-tol
   *     auto} chooses it ({@link AutoReference}, see {@link CompareJob}); referenceTolerance is
   *     then NaN
   */
  public record Request(
      SampleSpec samples,
      List<Setting> settings,
      long maxEvaluations,
      double referenceTolerance,
      long referenceMaxEvaluations,
      boolean quality,
      String classifier,
      String dataDir,
      int dataN,
      int classifierThreads,
      int repeats,
      boolean pictures,
      boolean autoReference)
      implements Serializable {
    public Request {
      settings = List.copyOf(settings);
      if (repeats < 1) {
        throw FlowmatchException.invalidArgument(
            "--repeats must be a positive integer, got " + repeats);
      }
      if (dataN < 0 || dataN == 1) {
        throw FlowmatchException.invalidArgument("--data-n must be at least 2, got " + dataN);
      }
    }

    boolean hasReference() {
      return autoReference || !Double.isNaN(referenceTolerance);
    }

    boolean classified() {
      return quality && classifier != null;
    }
  }

  /**
   * The reference solution of one shard, in double; {@code failure} is the message of a solve that
   * could not reach its tolerance (automatic reference only; x is then null).
   */
  record ReferenceShard(
      ShardPlan.Shard shard, double[] x, long nfeSum, long wallNanos, String failure)
      implements Serializable {}

  /** A task's part and all its samples (null when it failed), kept for the automatic reference. */
  record Solved(Part part, float[] samples) implements Serializable {}

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
      float[] first,
      EvalStats stats,
      String failure)
      implements Serializable {
    /** This part with its samples' errors against the reference. */
    Part withErrors(double[] errors) {
      return new Part(
          setting,
          shard,
          count,
          nfeSum,
          nfeMin,
          nfeMax,
          modelCalls,
          modelNanos,
          wallNanos,
          errors,
          samples,
          first,
          stats,
          failure);
    }

    /** This part without its classifier statistics (they are summed apart). */
    Part withoutStats() {
      return stats == null
          ? this
          : new Part(
              setting,
              shard,
              count,
              nfeSum,
              nfeMin,
              nfeMax,
              modelCalls,
              modelNanos,
              wallNanos,
              sampleErrors,
              samples,
              first,
              null,
              failure);
    }
  }

  /**
   * What the tasks of a sweep return, combined by {@code treeAggregate}: the parts without their
   * classifier statistics, and those statistics summed per setting (so the driver holds one set of
   * feature moments per setting, not one per task).
   */
  static final class Sums implements Serializable {
    private static final long serialVersionUID = 1L;
    final List<Part> parts = new ArrayList<>();
    final EvalStats[] stats;

    Sums(int settings) {
      stats = new EvalStats[settings];
      for (int k = 0; k < settings; k++) {
        stats[k] = new EvalStats();
      }
    }

    Sums add(Part p) {
      if (p.stats() != null) {
        stats[p.setting()].merge(p.stats());
      }
      parts.add(p.withoutStats());
      return this;
    }

    Sums merge(Sums other) {
      parts.addAll(other.parts);
      for (int k = 0; k < stats.length; k++) {
        stats[k].merge(other.stats[k]);
      }
      return this;
    }
  }

  /**
   * The report and what the run cost; {@code qualityNote} says why there is no quality metric when
   * one was asked for and the model has none (else null).
   */
  public record Result(
      CompareReport report,
      int tasks,
      int shards,
      long wallNanos,
      String qualityNote,
      Map<String, Chart> pictures) {}

  /** Runs the sweep on {@code sc}. */
  public static Result run(JavaSparkContext sc, Request request) {
    return run(sc, request, line -> {});
  }

  /**
   * Runs the sweep on {@code sc}; {@code log} gets one line per automatic-reference solve, as
   * {@code compare}'s progress lines.
   */
  public static Result run(
      JavaSparkContext sc, Request request, java.util.function.Consumer<String> log) {
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
    Map<String, String> metadata;
    double eta = Double.NaN;
    try (OnnxVelocityField field =
        OnnxVelocityField.open(Path.of(spec.model()), spec.fieldOptions(1))) {
      shape = field.sampleShape();
      provider = field.providerUsed();
      metadata = field.metadata();
      // a model on an unknown path fails here, once, not in every task
      AffineSchedule.fromMetadata(metadata);
      if (request.autoReference()) {
        // η from the first samples' noise, as compare measures it (on the driver: 3·2 calls)
        int m = Math.min(n, 64);
        float[] first = new float[Math.multiplyExact(m, field.sampleSize())];
        new GaussianNoise(spec.seed()).fill(0, m, field.sampleSize(), first);
        eta = AutoReference.modelNoise(field, first, m);
      }
    }
    Metrics metrics = Metrics.of(sc, request, metadata, shape, n, spec.seed());
    return sweep(sc, request, spec, n, shape, provider, metadata, metrics, start, eta, log);
  }

  /**
   * The sweep's quality metrics, set up on the driver: the point-cloud metrics (scored on the
   * driver from the gathered samples) and the classifier's statistics of the reference and floor
   * images (summed on the executors; the settings' own are summed per setting in the sweep).
   */
  private static final class Metrics {
    PointCloudMetrics points;
    double[] pointsFloor;
    ReferenceData pointData;
    GaussianStats dataStats;
    ClassHistogram dataClasses;
    double floorFd = Double.NaN;
    double floorTv = Double.NaN;
    String imageDescription;
    List<String> classNames = List.of();
    float[] floorImages;
    int floorImageCount;
    String floorImagesTitle;

    static Metrics of(
        JavaSparkContext sc,
        Request request,
        Map<String, String> metadata,
        int[] shape,
        int n,
        long seed) {
      Metrics m = new Metrics();
      if (!request.quality()) {
        return m;
      }
      SweepQuality.forModel(metadata, shape, n, seed)
          .ifPresent(
              d -> {
                m.pointData = d;
                m.points =
                    new PointCloudMetrics(
                        d.reference(),
                        d.referenceCount(),
                        d.sampleSize(),
                        d.referenceDescription());
                m.pointsFloor = m.points.score(d.floor(), d.floorCount());
              });
      if (request.classifier() != null) {
        m.images(sc, request, metadata, shape, n);
      }
      return m;
    }

    private void images(
        JavaSparkContext sc, Request request, Map<String, String> metadata, int[] shape, int n) {
      if (!ImageGrid.isImageShape(shape)) {
        throw FlowmatchException.invalidArgument(
            "--classifier scores images, but the model's samples have shape "
                + Arrays.toString(shape));
      }
      Path classifier = Path.of(request.classifier());
      if (!Files.isRegularFile(classifier)) {
        throw FlowmatchException.invalidArgument(
            "--classifier " + request.classifier() + ": no such file");
      }
      try (OnnxClassifier c = OnnxClassifier.open(classifier, shape, 1)) {
        String text = c.metadata().get(ModelMetadata.CLASSES);
        classNames = text == null ? List.of() : Arrays.asList(text.split(","));
      }
      EvalJob.ImageSet set = EvalJob.ImageSet.of(metadata, Path.of(request.dataDir()));
      ValueRange range = EvalJob.range(metadata);
      long wanted = request.dataN() > 0 ? request.dataN() : Math.max(n, EvalJob.DEFAULT_REFERENCE);
      int m = (int) Math.min(set.trainCount(), wanted);
      int floorN = n <= set.testCount() ? n : 0;
      EvalStats[] st =
          EvalJob.imageStats(
              sc, request.classifier(), request.classifierThreads(), shape, range, set, m, floorN);
      dataStats = st[1].moments().stats();
      dataClasses = st[1].histogram();
      // the words of ClassifierMetrics, which compare uses
      imageDescription =
          "Fréchet distance of classifier features ("
              + st[1].moments().dimension()
              + "-d) and class-histogram total variation to "
              + m
              + " "
              + set.dataset()
              + " training images";
      if (floorN > 0) {
        floorFd = FrechetDistance.between(st[2].moments().stats(), dataStats);
        floorTv = st[2].histogram().totalVariation(dataClasses);
        if (request.pictures()) {
          try {
            IdxImages.Images first =
                IdxImages.read(set.test(), SweepPictures.keep(shape, n), range.lo(), range.hi());
            floorImages = first.data();
            floorImageCount = first.count();
            floorImagesTitle = floorN + " " + set.dataset() + " test images";
          } catch (IOException e) {
            throw FlowmatchException.io("cannot read " + set.test() + ": " + e.getMessage(), e);
          }
        }
      }
    }

    boolean classified() {
      return dataStats != null;
    }

    boolean any() {
      return points != null || classified();
    }

    List<String> names() {
      List<String> names = new ArrayList<>();
      if (points != null) {
        names.addAll(points.names());
      }
      if (classified()) {
        names.addAll(List.of("fd", "class_tv"));
      }
      return names;
    }

    String description() {
      List<String> parts = new ArrayList<>();
      if (points != null) {
        parts.add(points.description());
      }
      if (classified()) {
        parts.add(imageDescription);
      }
      return String.join("; ", parts);
    }

    double[] floor() {
      List<Double> f = new ArrayList<>();
      if (points != null) {
        for (double v : pointsFloor) {
          f.add(v);
        }
      }
      if (classified()) {
        f.add(floorFd);
        f.add(floorTv);
      }
      return f.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** A setting's scores: the point clouds' from its samples, the classifier's from its sums. */
    double[] score(float[] samples, int n, EvalStats stats) {
      List<Double> q = new ArrayList<>();
      if (points != null) {
        for (double v : points.score(samples, n)) {
          q.add(v);
        }
      }
      if (classified()) {
        q.add(FrechetDistance.between(stats.moments().stats(), dataStats));
        q.add(stats.histogram().totalVariation(dataClasses));
      }
      return q.stream().mapToDouble(Double::doubleValue).toArray();
    }
  }

  private static Result sweep(
      JavaSparkContext sc,
      Request request,
      SampleSpec spec,
      int n,
      int[] shape,
      String provider,
      Map<String, String> metadata,
      Metrics metrics,
      long start,
      double eta,
      java.util.function.Consumer<String> log) {
    boolean keep = metrics.points != null;
    int keepFirst = request.pictures() ? SweepPictures.keep(shape, n) : 0;
    boolean classify = metrics.classified();
    List<ShardPlan.Shard> shards = ShardPlan.of(spec.n(), spec.batch(), spec.batchesPerShard());
    int settingCount = request.settings().size();
    Sums sums;
    String referenceText = null;
    double referenceNfe = Double.NaN;
    double referenceSeconds = Double.NaN;
    JavaRDD<ReferenceShard> references = null;
    if (request.autoReference()) {
      AutoSweep auto =
          autoSweep(sc, request, spec, n, shape, shards, keep, keepFirst, classify, eta, log);
      sums = auto.sums();
      referenceText = auto.text();
      referenceNfe = auto.meanNfe();
      referenceSeconds = auto.seconds();
    } else {
      try {
        JavaRDD<Part> parts;
        if (request.hasReference()) {
          references =
              sc.parallelize(shards, shards.size())
                  .map(shard -> reference(request, shard))
                  .persist(StorageLevel.MEMORY_AND_DISK());
          // solve (and keep) every reference shard before the sweep reads them; only counts return
          List<long[]> costs =
              references.map(r -> new long[] {r.nfeSum(), r.wallNanos()}).collect();
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
          parts =
              pairs.map(
                  p ->
                      solve(
                          request,
                          p._2(),
                          p._1().shard(),
                          p._1().x(),
                          keep,
                          keepFirst,
                          classify,
                          shape));
        } else {
          List<Tuple2<Integer, ShardPlan.Shard>> pairs = new ArrayList<>();
          for (ShardPlan.Shard shard : shards) {
            for (int k = 0; k < settingCount; k++) {
              pairs.add(new Tuple2<>(k, shard));
            }
          }
          parts =
              sc.parallelize(pairs, pairs.size())
                  .map(p -> solve(request, p._1(), p._2(), null, keep, keepFirst, classify, shape));
        }
        // the parts come back in one treeAggregate: a setting's feature moments are summed on the
        // way, so the driver holds one set per setting whatever the number of shards
        sums = parts.treeAggregate(new Sums(settingCount), Sums::add, Sums::merge, 2);
      } catch (RuntimeException e) {
        throw SampleJob.unwrap(e);
      } finally {
        if (references != null) {
          references.unpersist(false);
        }
      }
    }
    SweepPictures pictures = null;
    if (keepFirst > 0) {
      ReferenceData d = metrics.pointData;
      pictures =
          metrics.floorImages != null
              ? new SweepPictures(
                  metadata,
                  shape,
                  n,
                  metrics.floorImages,
                  metrics.floorImageCount,
                  metrics.floorImagesTitle,
                  null,
                  0)
              : d != null
                  ? new SweepPictures(
                      metadata,
                      shape,
                      n,
                      d.floor(),
                      d.floorCount(),
                      d.floorDescription(),
                      d.reference(),
                      d.referenceCount())
                  : new SweepPictures(metadata, shape, n, null, 0, null, null, 0);
    }
    ClassShares classes =
        metrics.classified() ? new ClassShares(metrics.classNames, metrics.dataClasses) : null;
    List<SettingResult> results = new ArrayList<>();
    for (int k = 0; k < settingCount; k++) {
      List<Part> mine = partsOf(sums.parts, k, shards.size());
      SettingResult r = combine(request, k, n, shape, mine, metrics, sums.stats[k]);
      if (!r.failed() && metrics.classified()) {
        r = withClasses(r, sums.stats[k].histogram());
      }
      results.add(r);
      if (!r.failed() && pictures != null) {
        pictures.add(r, first(mine, keepFirst, shape), keepFirst);
      }
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
            metrics.any() ? metrics.description() : null,
            metrics.any() ? metrics.names() : List.of(),
            metrics.any() ? metrics.floor() : null,
            request.maxEvaluations(),
            request.repeats(),
            results,
            ConvergenceOrder.of(results),
            classes);
    String note =
        request.quality() && !metrics.any()
            ? "no quality metric: samples of more than "
                + PointCloudMetrics.MAX_DIMENSION
                + " values without --classifier, or a model whose data set cannot be drawn here"
            : null;
    return new Result(
        report,
        settingCount * shards.size(),
        shards.size(),
        System.nanoTime() - start,
        note,
        pictures == null ? Map.of() : pictures.all());
  }

  /** {@code r} with the class counts of its samples (the report's class histogram draws them). */
  private static SettingResult withClasses(SettingResult r, ClassHistogram classes) {
    return new SettingResult(
        r.setting(),
        r.samples(),
        r.meanNfe(),
        r.minNfe(),
        r.maxNfe(),
        r.modelCalls(),
        r.wallSeconds(),
        r.modelSeconds(),
        r.errorRms(),
        r.errorMax(),
        r.quality(),
        r.failure(),
        classes);
  }

  /** The first {@code count} samples of a setting, from its parts in shard order. */
  private static float[] first(List<Part> parts, int count, int[] shape) {
    int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    float[] out = new float[Math.multiplyExact(count, size)];
    int at = 0;
    for (Part p : parts) {
      if (at >= count) {
        break;
      }
      float[] from = p.first() != null ? p.first() : p.samples();
      if (from == null) {
        break;
      }
      int m = Math.min(count - at, from.length / size);
      System.arraycopy(from, 0, out, at * size, m * size);
      at += m;
    }
    return out;
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
      List<Part> parts,
      Metrics metrics,
      EvalStats stats) {
    SolverSetting setting = request.settings().get(k).toSetting();
    int qualityCount = metrics.names().size();
    for (Part p : parts) {
      if (p.failure() != null) {
        return SettingResult.failed(setting, n, qualityCount, p.failure());
      }
    }
    long nfe = 0;
    int min = Integer.MAX_VALUE;
    int max = 0;
    long calls = 0;
    long modelNanos = 0;
    long wallNanos = 0;
    double[] errors = request.hasReference() ? new double[n] : null;
    int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    float[] samples = metrics.points == null ? null : new float[Math.multiplyExact(n, size)];
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
    if (metrics.classified() && stats.count() != n) {
      throw new IllegalStateException(
          setting.label() + ": classified " + stats.count() + " samples, expected " + n);
    }
    double[] e =
        errors == null ? new double[] {Double.NaN, Double.NaN} : CompareEngine.errorSummary(errors);
    double[] q = metrics.any() ? metrics.score(samples, n, stats) : new double[0];
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
        null,
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
    return new ReferenceShard(
        shard, r.x(), Math.round(r.meanNfe() * shard.count()), r.wallNanos(), null);
  }

  /**
   * Executor side: one setting on one shard, solved {@code request.repeats()} times (the first
   * solve's samples and counts; the median solve's times).
   *
   * @param keepSamples return all the shard's samples (for point-cloud quality)
   * @param keepFirst return those of the run's first {@code keepFirst} samples in this shard
   * @param classify return the classifier's statistics of the samples
   */
  static Part solve(
      Request request,
      int k,
      ShardPlan.Shard shard,
      double[] reference,
      boolean keepSamples,
      int keepFirst,
      boolean classify,
      int[] shape)
      throws IOException {
    return solveKeeping(request, k, shard, reference, keepSamples, keepFirst, classify, shape)
        .part();
  }

  /** As {@link #solve}, with all the shard's samples beside the part (null when it failed). */
  static Solved solveKeeping(
      Request request,
      int k,
      ShardPlan.Shard shard,
      double[] reference,
      boolean keepSamples,
      int keepFirst,
      boolean classify,
      int[] shape)
      throws IOException {
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
    SampleReport report = null;
    long[] walls = new long[request.repeats()];
    long[] models = new long[request.repeats()];
    try {
      for (int r = 0; r < request.repeats(); r++) {
        SampleReport round =
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
        walls[r] = round.wallNanos();
        models[r] = round.modelNanos();
        if (report == null) {
          report = round;
        }
      }
    } catch (FlowmatchException e) {
      if (e.kind() != ErrorKind.NUMERIC) {
        throw e;
      }
      return new Solved(
          new Part(
              k,
              shard.index(),
              shard.count(),
              0,
              0,
              0,
              0,
              0,
              0,
              null,
              null,
              null,
              null,
              message(e, shard)),
          null);
    }
    int median = medianIndex(walls);
    double[] errors =
        reference == null
            ? null
            : CompareEngine.sampleErrors(samples, reference, shard.count(), size);
    float[] first = null;
    if (!keepSamples && shard.first() < keepFirst) {
      int m = (int) Math.min(shard.count(), keepFirst - shard.first());
      first = Arrays.copyOf(samples, m * size);
    }
    EvalStats stats = null;
    if (classify) {
      stats = new EvalStats();
      OnnxClassifier classifier =
          ExecutorResources.classifier(request.classifier(), shape, request.classifierThreads());
      float[] x = new float[Math.multiplyExact(Math.min(spec.batch(), shard.count()), size)];
      for (int r = 0; r < shard.count(); r += spec.batch()) {
        int m = Math.min(spec.batch(), shard.count() - r);
        System.arraycopy(samples, r * size, x, 0, m * size);
        EvalJob.classify(classifier, x, m, stats);
      }
    }
    return new Solved(
        new Part(
            k,
            shard.index(),
            shard.count(),
            Math.round(report.meanNfe() * shard.count()),
            report.minNfe(),
            report.maxNfe(),
            report.modelCalls(),
            models[median],
            walls[median],
            errors,
            keepSamples ? samples : null,
            first,
            stats,
            null),
        samples);
  }

  /** What the sweep with the automatic reference gives the report. */
  private record AutoSweep(Sums sums, String text, double meanNfe, double seconds) {}

  /**
   * The sweep with the automatic reference ({@code compare --reference-tol auto}). As in {@code
   * compare}, the settings run first: each (setting, shard) task keeps all its samples in the block
   * stores. Then {@link AutoReference#climb} runs on the driver over {@link SparkLadder}: each rung
   * is a stage that solves every shard on the executors and keeps it there, and the driver gathers
   * only per-sample differences and errors (n doubles per setting), combined in sample order. So
   * every choice of the ladder and every figure of the report equals {@code compare}'s; the
   * reference is solved where its shard's samples are, never on the driver (whose memory would then
   * grow with n and the sample size).
   */
  private static AutoSweep autoSweep(
      JavaSparkContext sc,
      Request request,
      SampleSpec spec,
      int n,
      int[] shape,
      List<ShardPlan.Shard> shards,
      boolean keep,
      int keepFirst,
      boolean classify,
      double eta,
      java.util.function.Consumer<String> log) {
    int settingCount = request.settings().size();
    int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    List<Tuple2<Integer, ShardPlan.Shard>> pairs = new ArrayList<>();
    for (ShardPlan.Shard shard : shards) {
      for (int k = 0; k < settingCount; k++) {
        pairs.add(new Tuple2<>(k, shard));
      }
    }
    JavaRDD<Solved> solved = null;
    JavaPairRDD<Integer, Tuple2<Integer, float[]>> kept = null;
    AutoReference.Climb<SparkRung> climb = null;
    try {
      solved =
          sc.parallelize(pairs, pairs.size())
              .map(
                  p ->
                      solveKeeping(request, p._1(), p._2(), null, keep, keepFirst, classify, shape))
              .persist(StorageLevel.MEMORY_AND_DISK());
      Sums sums =
          solved.map(Solved::part).treeAggregate(new Sums(settingCount), Sums::add, Sums::merge, 2);
      // a setting that failed on any shard is not judged: compare keeps no samples of it
      boolean[] failed = new boolean[settingCount];
      long[] nfe = new long[settingCount];
      for (Part p : sums.parts) {
        failed[p.setting()] |= p.failure() != null;
        nfe[p.setting()] += p.nfeSum();
      }
      java.util.HashSet<Integer> judged = new java.util.HashSet<>();
      double settingsNfe = 0;
      for (int k = 0; k < settingCount; k++) {
        if (!failed[k]) {
          judged.add(k);
          settingsNfe += (double) nfe[k] / n;
        }
      }
      if (!judged.isEmpty()) {
        kept =
            solved
                .filter(x -> x.samples() != null && judged.contains(x.part().setting()))
                .mapToPair(
                    x ->
                        new Tuple2<>(
                            x.part().shard(), new Tuple2<>(x.part().setting(), x.samples())))
                .partitionBy(new org.apache.spark.HashPartitioner(shards.size()))
                .persist(StorageLevel.MEMORY_AND_DISK());
      }
      ReferenceMethod method = ReferenceMethod.forSampleSize(size);
      AutoReference auto =
          new AutoReference(
              null,
              "",
              request.referenceMaxEvaluations(),
              ReferenceSolver.Progress.NONE,
              line -> log.accept("reference: " + line),
              method);
      SparkLadder ladder =
          new SparkLadder(sc, request, shards, n, size, settingCount, kept, method, log);
      List<SolverSetting> settings = new ArrayList<>();
      request.settings().forEach(x -> settings.add(x.toSetting()));
      climb =
          auto.climb(
              ladder,
              method,
              eta,
              Comparison.autoStart(settings, method),
              AutoReference.LOWEST,
              AutoReference.budget(settingsNfe));
      double[][] errors = climb.chosen().solution().errors;
      if (errors != null) {
        List<Part> withErrors = new ArrayList<>();
        for (Part p : sums.parts) {
          double[] e = errors[p.setting()];
          if (e != null && p.failure() == null) {
            int from = (int) shards.get(p.shard()).first();
            p = p.withErrors(Arrays.copyOfRange(e, from, from + p.count()));
          }
          withErrors.add(p);
        }
        sums.parts.clear();
        sums.parts.addAll(withErrors);
      }
      AutoReference.Outcome o = climb.outcome();
      return new AutoSweep(
          sums,
          o.description() + ", batches of " + Math.min(spec.batch(), n),
          o.meanNfe(),
          ladder.nanos / 1e9);
    } catch (RuntimeException e) {
      throw SampleJob.unwrap(e);
    } finally {
      if (climb != null) {
        climb.chosen().solution().shards.unpersist(false);
      }
      if (kept != null) {
        kept.unpersist(false);
      }
      if (solved != null) {
        solved.unpersist(false);
      }
    }
  }

  /** A rung of the automatic reference: its shards, kept on the executors. */
  static final class SparkRung {
    final JavaRDD<ReferenceShard> shards;

    /** Each judged setting's per-sample errors against this rung, in sample order (else null). */
    double[][] errors;

    SparkRung(JavaRDD<ReferenceShard> shards) {
      this.shards = shards;
    }
  }

  /**
   * The automatic reference's solves as Spark stages: one task per shard, the same batches as
   * {@code compare}'s, so each shard's solution is the single machine's for those samples.
   */
  private static final class SparkLadder implements AutoReference.Ladder<SparkRung> {
    private final JavaSparkContext sc;
    private final Request request;
    private final List<ShardPlan.Shard> shards;
    private final int n;
    private final int size;
    private final int settingCount;
    private final JavaPairRDD<Integer, Tuple2<Integer, float[]>> kept;
    private final ReferenceMethod method;
    private final java.util.function.Consumer<String> log;

    /** The solve times of every rung's tasks, summed. */
    long nanos;

    SparkLadder(
        JavaSparkContext sc,
        Request request,
        List<ShardPlan.Shard> shards,
        int n,
        int size,
        int settingCount,
        JavaPairRDD<Integer, Tuple2<Integer, float[]>> kept,
        ReferenceMethod method,
        java.util.function.Consumer<String> log) {
      this.sc = sc;
      this.request = request;
      this.shards = shards;
      this.n = n;
      this.size = size;
      this.settingCount = settingCount;
      this.kept = kept;
      this.method = method;
      this.log = log;
    }

    @Override
    public AutoReference.Rung<SparkRung> solve(double tol, long evaluationBound) {
      // the closures take locals, never this ladder (it holds the driver's context)
      Request r = request;
      ReferenceMethod m = method;
      log.accept(
          String.format(
              java.util.Locale.ROOT,
              "reference: reference at tolerance %s: solving with %s, %d samples in %d shards,"
                  + " batches of %d",
              SolverSetting.number(tol),
              m.label(),
              n,
              shards.size(),
              Math.min(r.samples().batch(), n)));
      JavaRDD<ReferenceShard> rung =
          sc.parallelize(shards, shards.size())
              .map(shard -> referenceAt(r, m, shard, tol, evaluationBound))
              .persist(StorageLevel.MEMORY_AND_DISK());
      List<ReferenceShard> costs =
          new ArrayList<>(
              rung.map(
                      x ->
                          new ReferenceShard(
                              x.shard(), null, x.nfeSum(), x.wallNanos(), x.failure()))
                  .collect());
      costs.sort(Comparator.comparingInt(x -> x.shard().index()));
      long nfe = 0;
      long wall = 0;
      String failure = null;
      for (ReferenceShard c : costs) {
        nfe += c.nfeSum();
        wall += c.wallNanos();
        if (failure == null) {
          failure = c.failure();
        }
      }
      nanos += wall;
      if (failure != null) {
        rung.unpersist(false);
        throw new ToleranceException(failure);
      }
      double mean = (double) nfe / n;
      log.accept(
          String.format(
              java.util.Locale.ROOT,
              "reference: reference at tolerance %s: NFE/sample %.1f, %.1f s summed over tasks",
              SolverSetting.number(tol),
              mean,
              wall / 1e9));
      return new AutoReference.Rung<>(new SparkRung(rung), tol, mean, mean);
    }

    @Override
    public double difference(SparkRung a, SparkRung b) {
      int sz = size;
      List<Tuple2<Integer, double[]>> parts =
          a.shards
              .zip(b.shards)
              .map(
                  t ->
                      new Tuple2<>(
                          t._1().shard().index(),
                          CompareMath.sampleDifferences(
                              t._1().x(), t._2().x(), t._1().shard().count(), sz)))
              .collect();
      return CompareEngine.errorSummary(inSampleOrder(parts))[0];
    }

    @Override
    public double judged(SparkRung rung) {
      if (kept == null) {
        return Double.NaN;
      }
      int sz = size;
      List<Tuple2<Integer, Tuple2<Integer, double[]>>> parts =
          rung.shards
              .mapToPair(x -> new Tuple2<>(x.shard().index(), x))
              .join(kept)
              .map(
                  t -> {
                    ReferenceShard ref = t._2()._1();
                    int setting = t._2()._2()._1();
                    double[] e =
                        CompareEngine.sampleErrors(
                            t._2()._2()._2(), ref.x(), ref.shard().count(), sz);
                    return new Tuple2<>(setting, new Tuple2<>(t._1(), e));
                  })
              .collect();
      double[][] errors = new double[settingCount][];
      int[] filled = new int[settingCount];
      for (Tuple2<Integer, Tuple2<Integer, double[]>> p : parts) {
        int k = p._1();
        if (errors[k] == null) {
          errors[k] = new double[n];
        }
        double[] e = p._2()._2();
        System.arraycopy(e, 0, errors[k], (int) shards.get(p._2()._1()).first(), e.length);
        filled[k] += e.length;
      }
      double smallest = Double.POSITIVE_INFINITY;
      for (int k = 0; k < settingCount; k++) {
        if (errors[k] != null) {
          if (filled[k] != n) {
            throw new IllegalStateException(
                "setting " + k + ": errors of " + filled[k] + " samples, expected " + n);
          }
          smallest = Math.min(smallest, CompareEngine.errorSummary(errors[k])[0]);
        }
      }
      rung.errors = errors;
      return smallest;
    }

    @Override
    public void discard(AutoReference.Rung<SparkRung> rung) {
      rung.solution().shards.unpersist(false);
    }

    private double[] inSampleOrder(List<Tuple2<Integer, double[]>> parts) {
      double[] all = new double[n];
      for (Tuple2<Integer, double[]> p : parts) {
        System.arraycopy(p._2(), 0, all, (int) shards.get(p._1()).first(), p._2().length);
      }
      return all;
    }
  }

  /**
   * Executor side: one shard of an automatic-reference rung, from the same noise as the settings; a
   * solve that cannot reach its tolerance comes back as a failure (the ladder decides), not as a
   * failed task that Spark would retry.
   */
  static ReferenceShard referenceAt(
      Request request,
      ReferenceMethod method,
      ShardPlan.Shard shard,
      double tol,
      long evaluationBound) {
    SampleSpec spec = request.samples();
    OnnxVelocityField field = ExecutorResources.field(spec);
    int size = field.sampleSize();
    float[] initial = new float[Math.multiplyExact(shard.count(), size)];
    new GaussianNoise(spec.seed()).fill(shard.first(), shard.count(), size, initial);
    ReferenceSolver.Result r;
    try {
      r =
          method.solve(
              field,
              initial,
              shard.count(),
              spec.batch(),
              tol,
              evaluationBound,
              ReferenceSolver.Progress.NONE);
    } catch (ToleranceException e) {
      return new ReferenceShard(shard, null, 0, 0, "reference: " + message(e, shard));
    } catch (FlowmatchException e) {
      throw inShard(e, shard);
    }
    return new ReferenceShard(
        shard, r.x(), Math.round(r.meanNfe() * shard.count()), r.wallNanos(), null);
  }

  /** Index of the median value (the lower median for an even count), as compare takes it. */
  static int medianIndex(long[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(i -> values[i]));
    return order[(values.length - 1) / 2];
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
