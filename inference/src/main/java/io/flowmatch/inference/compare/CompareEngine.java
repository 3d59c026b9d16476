package io.flowmatch.inference.compare;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.metrics.QualityMetric;
import io.flowmatch.inference.sampling.ArrayNoise;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverException;
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
 * The wall time is the sampler's: noise copy, solve and result copy of every batch. Settings run one after another in the order given;
 * the repeats of a setting run back to back.
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

  /** Receives progress: before and after each setting. */
  public interface Listener {
    Listener NONE = new Listener() {};

    default void started(SolverSetting setting, int index, int total) {}

    /** {@code samples} holds all n final samples (valid during the call only, unless failed). */
    default void finished(SettingResult result, float[] samples) {}
  }

  /**
   * @param noise n·sampleSize floats: the initial states at t0, shared by every setting
   * @param reference the reference solution at t1 (n·sampleSize doubles), or null for no errors
   * @param quality the metric of final samples, or null for none
   * @param maxEvaluations evaluation bound of the adaptive solvers
   * @param repeats solves per setting; the wall time is their median
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
  }

  /** Names of the quality values in each result (empty without a metric). */
  public List<String> qualityNames() {
    return quality == null ? List.of() : quality.names();
  }

  /** Runs the settings in order; a failing setting gives a failed result and the rest go on. */
  public List<SettingResult> run(List<SolverSetting> settings, Listener listener) {
    List<SettingResult> results = new ArrayList<>();
    int size = field.sampleSize();
    float[] samples = new float[Math.multiplyExact(n, size)];
    for (int k = 0; k < settings.size(); k++) {
      SolverSetting setting = settings.get(k);
      listener.started(setting, k, settings.size());
      SettingResult result;
      try {
        result = runOne(setting, samples);
      } catch (SolverException e) {
        result = SettingResult.failed(setting, n, qualityNames().size(), e.getMessage());
      }
      results.add(result);
      listener.finished(result, samples);
    }
    return results;
  }

  private SettingResult runOne(SolverSetting setting, float[] samples) {
    OdeSolver solver = setting.create(maxEvaluations);
    int size = field.sampleSize();
    ArrayNoise source = new ArrayNoise(noise);
    Sampler.Sink sink = (first, count, x) -> System.arraycopy(x, 0, samples, (int) first * size, count * size);
    double[] walls = new double[repeats];
    SampleReport first = null;
    for (int r = 0; r < repeats; r++) {
      SampleReport report;
      try {
        report = Sampler.run(field, solver, source, n, batch, t0, t1, sink, Sampler.Progress.NONE);
      } catch (IOException e) {
        // the noise and the sink are arrays in memory
        throw new UncheckedIOException(e);
      }
      walls[r] = report.wallSeconds();
      first = first == null ? report : first;
    }
    double[] errors = errors(samples);
    double[] q = quality == null ? new double[0] : quality.score(samples, n);
    return new SettingResult(
        setting,
        n,
        first.meanNfe(),
        first.minNfe(),
        first.maxNfe(),
        first.modelCalls(),
        median(walls),
        first.modelNanos() / 1e9,
        errors[0],
        errors[1],
        q,
        null);
  }

  /** {RMS over samples, max over samples} of each sample's RMS error; NaN without a reference. */
  private double[] errors(float[] samples) {
    if (reference == null) {
      return new double[] {Double.NaN, Double.NaN};
    }
    int size = field.sampleSize();
    double sumSquares = 0;
    double max = 0;
    for (int i = 0; i < n; i++) {
      double sq = 0;
      for (int k = i * size; k < (i + 1) * size; k++) {
        double d = samples[k] - reference[k];
        sq += d * d;
      }
      double sampleRms = Math.sqrt(sq / size);
      sumSquares += sampleRms * sampleRms;
      max = Math.max(max, sampleRms);
    }
    return new double[] {Math.sqrt(sumSquares / n), max};
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int m = v.length / 2;
    return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
}
