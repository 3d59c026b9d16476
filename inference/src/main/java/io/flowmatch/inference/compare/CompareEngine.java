package io.flowmatch.inference.compare;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.metrics.QualityMetric;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.sampling.ArrayNoise;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs every solver setting from one shared initial noise and measures, per setting: NFE per sample
 * (mean, min, max), wall time (median of repeats), the error against a reference solution, and the
 * quality metric of the final samples.
 *
 * <p>Each setting integrates all n samples from t0 to t1 in batches of {@code batch} samples with
 * the same {@link Sampler} as {@code flowmatch sample} (one {@link OdeSolver#solve} per batch, the
 * same checks and messages), so a whole-batch adaptive solver controls one error over each batch.
 * The wall time is the sampler's: noise copy, solve and result copy of every batch. Settings run
 * one after another in the order given; the repeats of a setting run back to back.
 *
 * <p>Errors: each sample's error is the RMS over its values of (x − reference), in double; the
 * table reports the RMS of that over samples and its maximum.
 */
public final class CompareEngine {
  private final VelocityField field;
  private final float[] noise;
  private final int n;
  private final int batch;
  private final double t0;
  private final double t1;
  private final double[] reference;
  private final QualityMetric quality;
  private final long maxEvaluations;
  private final int repeats;
  private final AffineSchedule path;

  /** Receives progress: before and after each setting. */
  public interface Listener {
    Listener NONE = new Listener() {};

    default void started(SolverSetting setting, int index, int total) {}

    /**
     * After the first solve of a setting, with its NFE, errors and quality (its wall time is the
     * first round's). {@code samples} holds all n final samples, valid during the call only, and
     * not at all for a failed setting.
     */
    default void finished(SettingResult result, float[] samples) {}

    /**
     * Before each timing solve of a further round ({@code round} = 2 to repeats; the first round is
     * reported by {@link #started}): a progress bar can count every solve, not only the first
     * round's.
     */
    default void timing(SolverSetting setting, int round, int index, int total) {}
  }

  /**
   * @param noise n·sampleSize floats: the initial states at t0, shared by every setting
   * @param reference the reference solution at t1 (n·sampleSize doubles), or null for no errors
   * @param quality the metric of final samples, or null for none
   * @param maxEvaluations evaluation bound of the adaptive solvers
   * @param repeats solves per setting; the wall time is the median round's
   */
  public CompareEngine(
      VelocityField field,
      float[] noise,
      int n,
      int batch,
      double t0,
      double t1,
      double[] reference,
      QualityMetric quality,
      long maxEvaluations,
      int repeats) {
    this(field, noise, n, batch, t0, t1, reference, quality, maxEvaluations, repeats, null);
  }

  /**
   * As above, for a model on the affine path {@code path} (what dpm2m predicts with; null: the OT
   * path).
   */
  public CompareEngine(
      VelocityField field,
      float[] noise,
      int n,
      int batch,
      double t0,
      double t1,
      double[] reference,
      QualityMetric quality,
      long maxEvaluations,
      int repeats,
      AffineSchedule path) {
    int size = field.sampleSize();
    if (n < 1 || batch < 1 || repeats < 1) {
      throw new IllegalArgumentException(
          "need n, batch and repeats ≥ 1, got " + n + ", " + batch + ", " + repeats);
    }
    if (noise.length < (long) n * size) {
      throw new IllegalArgumentException(
          "noise holds " + noise.length + " floats, expected " + (long) n * size);
    }
    if (reference != null && reference.length < (long) n * size) {
      throw new IllegalArgumentException(
          "reference holds " + reference.length + " values, expected " + (long) n * size);
    }
    this.field = field;
    this.noise = noise;
    this.n = n;
    this.batch = batch;
    this.t0 = t0;
    this.t1 = t1;
    this.reference = reference;
    this.quality = quality;
    this.maxEvaluations = maxEvaluations;
    this.repeats = repeats;
    this.path = path;
  }

  /** Names of the quality values in each result (empty without a metric). */
  public List<String> qualityNames() {
    return quality == null ? List.of() : quality.names();
  }

  /**
   * Runs the settings in order; a failing setting gives a failed result and the rest go on.
   *
   * <p>With repeats, the first round solves every setting and measures its NFE, errors and quality;
   * further rounds solve every setting again for timing only, in the same order, so slow drifts in
   * the machine's load affect all settings alike. A setting's wall time and model time are those of
   * its median round (the lower median for an even number of rounds).
   */
  public List<SettingResult> run(List<SolverSetting> settings, Listener listener) {
    int size = field.sampleSize();
    float[] samples = new float[Math.multiplyExact(n, size)];
    SettingResult[] results = new SettingResult[settings.size()];
    double[][] walls = new double[settings.size()][repeats];
    double[][] models = new double[settings.size()][repeats];
    for (int r = 0; r < repeats; r++) {
      for (int k = 0; k < settings.size(); k++) {
        SolverSetting setting = settings.get(k);
        if (results[k] != null && results[k].failed()) {
          continue;
        }
        if (r == 0) {
          listener.started(setting, k, settings.size());
        } else {
          listener.timing(setting, r + 1, k, settings.size());
        }
        SampleReport report;
        try {
          report = solveAll(setting, samples);
        } catch (FlowmatchException e) {
          if (e.kind() != ErrorKind.NUMERIC) {
            throw e;
          }
          // a later round cannot fail where the first did not: solves are deterministic
          results[k] = SettingResult.failed(setting, n, qualityNames().size(), e.getMessage());
          listener.finished(results[k], samples);
          continue;
        }
        walls[k][r] = report.wallSeconds();
        models[k][r] = report.modelNanos() / 1e9;
        if (r == 0) {
          results[k] = measure(setting, report, samples);
          listener.finished(results[k], samples);
        }
      }
    }
    List<SettingResult> out = new ArrayList<>();
    for (int k = 0; k < results.length; k++) {
      SettingResult m = results[k];
      if (m.failed()) {
        out.add(m);
        continue;
      }
      int median = medianIndex(walls[k]);
      out.add(m.withTimes(walls[k][median], models[k][median]));
    }
    return out;
  }

  /** Integrates all n samples with one setting, in batches, into {@code samples}. */
  private SampleReport solveAll(SolverSetting setting, float[] samples) {
    OdeSolver solver = setting.create(maxEvaluations, path);
    int size = field.sampleSize();
    Sampler.Sink sink =
        (first, count, x) -> System.arraycopy(x, 0, samples, (int) first * size, count * size);
    try {
      return Sampler.run(
          field, solver, new ArrayNoise(noise), n, batch, t0, t1, sink, Sampler.Progress.NONE);
    } catch (IOException e) {
      // the noise and the sink are arrays in memory
      throw new UncheckedIOException(e);
    }
  }

  /**
   * NFE, errors, quality and (with a classifier) class counts of the first round; its own time
   * until the median replaces it.
   */
  private SettingResult measure(SolverSetting setting, SampleReport report, float[] samples) {
    double[] errors = errors(samples);
    QualityMetric.Scores q =
        quality == null
            ? new QualityMetric.Scores(new double[0], null)
            : quality.scoreWithClasses(samples, n);
    return new SettingResult(
        setting,
        n,
        report.meanNfe(),
        report.minNfe(),
        report.maxNfe(),
        report.modelCalls(),
        report.wallSeconds(),
        report.modelNanos() / 1e9,
        errors[0],
        errors[1],
        q.values(),
        null,
        q.classes());
  }

  /** {RMS over samples, max over samples} of each sample's RMS error; NaN without a reference. */
  private double[] errors(float[] samples) {
    if (reference == null) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return errorSummary(sampleErrors(samples, reference, n, field.sampleSize()));
  }

  /**
   * Each sample's RMS error against the reference, in double: the per-sample numbers a comparison
   * reports (also what the Spark sweep computes per shard).
   *
   * @param samples n·size floats
   * @param reference n·size doubles, the reference solution of the same samples
   */
  public static double[] sampleErrors(float[] samples, double[] reference, int n, int size) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int k = i * size; k < (i + 1) * size; k++) {
        double d = samples[k] - reference[k];
        sq += d * d;
      }
      out[i] = Math.sqrt(sq / size);
    }
    return out;
  }

  /**
   * {RMS over samples, max over samples} of per-sample RMS errors, summed in sample order (so
   * shards combined in order give the single-machine figures exactly).
   */
  public static double[] errorSummary(double[] sampleErrors) {
    double sumSquares = 0;
    double max = 0;
    for (double sampleRms : sampleErrors) {
      sumSquares += sampleRms * sampleRms;
      max = Math.max(max, sampleRms);
    }
    return new double[] {Math.sqrt(sumSquares / sampleErrors.length), max};
  }

  /** Index of the median value (the lower median for an even count). */
  static int medianIndex(double[] values) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
    return order[(values.length - 1) / 2];
  }
}
