package io.flowmatch.inference.compare;

import io.flowmatch.inference.metrics.ClassHistogram;

/**
 * What one solver setting achieved in a comparison. Numbers that could not be measured are NaN:
 * errors without a reference, quality without data, everything after a failed solve.
 *
 * @param setting the solver and its steps or tolerances
 * @param meanNfe model evaluations per sample, mean over samples
 * @param minNfe fewest evaluations of any sample
 * @param maxNfe most evaluations of any sample
 * @param modelCalls batched model calls
 * @param wallSeconds wall time of the solve (median over repeats), batching included
 * @param modelSeconds time inside the model during that solve
 * @param errorRms RMS over samples of each sample's RMS error against the reference
 * @param errorMax largest per-sample RMS error
 * @param quality one value per name of the comparison's quality metric
 * @param failure why the setting failed (a solver's one-line message), or null
 * @param classes with a classifier, how many of the samples it put in each class (argmax); null
 *     without one or for a failed setting
 */
public record SettingResult(
    SolverSetting setting,
    int samples,
    double meanNfe,
    int minNfe,
    int maxNfe,
    long modelCalls,
    double wallSeconds,
    double modelSeconds,
    double errorRms,
    double errorMax,
    double[] quality,
    String failure,
    ClassHistogram classes) {

  public boolean failed() {
    return failure != null;
  }

  /** This result with its errors against the reference (RMS and max over samples). */
  public SettingResult withErrors(double rms, double max) {
    return new SettingResult(
        setting,
        samples,
        meanNfe,
        minNfe,
        maxNfe,
        modelCalls,
        wallSeconds,
        modelSeconds,
        rms,
        max,
        quality,
        failure,
        classes);
  }

  /** This result with the wall and model times of another timed solve (e.g. the median round). */
  public SettingResult withTimes(double wall, double model) {
    return new SettingResult(
        setting,
        samples,
        meanNfe,
        minNfe,
        maxNfe,
        modelCalls,
        wall,
        model,
        errorRms,
        errorMax,
        quality,
        failure,
        classes);
  }

  public double samplesPerSecond() {
    return wallSeconds > 0 ? samples / wallSeconds : Double.NaN;
  }

  /** A failed setting: all numbers NaN, no class counts. */
  public static SettingResult failed(
      SolverSetting setting, int samples, int qualityCount, String why) {
    double[] q = new double[qualityCount];
    java.util.Arrays.fill(q, Double.NaN);
    return new SettingResult(
        setting,
        samples,
        Double.NaN,
        0,
        0,
        0,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN,
        q,
        why,
        null);
  }
}
