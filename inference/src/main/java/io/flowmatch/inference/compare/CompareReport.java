package io.flowmatch.inference.compare;

import java.util.List;

/**
 * Everything a comparison produced, with the context needed to read it: what the writers (table,
 * CSV, JSON, plots, HTML) render.
 *
 * @param model the model file as given
 * @param sampleShape shape of one sample
 * @param provider execution provider that ran the model
 * @param samples number of samples (n)
 * @param batch samples per solve
 * @param noise where the shared initial noise came from, e.g. {@code seed 0} or a file name
 * @param reference how the reference solution was made, e.g. {@code dop853 (rtol 1e-8, ...)}; null
 *     when there is none
 * @param referenceNfe mean NFE per sample of the reference solve (NaN when read from a file)
 * @param referenceSeconds wall time of the reference solve (NaN when read from a file)
 * @param qualityDescription what the quality metric compares, or null without one
 * @param qualityNames names of the quality values of each result
 * @param floor the quality metric of an independent data sample of n (NaN where unknown), or null
 * @param maxEvaluations evaluation bound of the adaptive solvers
 * @param repeats timed solves per setting (wall time is the median round's)
 * @param results one per setting, in the order run
 * @param orders observed convergence orders per method
 * @param classes with a classifier, its class names and the data's class histogram (each setting's
 *     is in its result); null without one
 */
public record CompareReport(
    String model,
    int[] sampleShape,
    String provider,
    int samples,
    int batch,
    String noise,
    String reference,
    double referenceNfe,
    double referenceSeconds,
    String qualityDescription,
    List<String> qualityNames,
    double[] floor,
    long maxEvaluations,
    int repeats,
    List<SettingResult> results,
    List<ConvergenceOrder> orders,
    ClassShares classes) {

  public boolean hasErrors() {
    return reference != null;
  }

  public boolean hasQuality() {
    return !qualityNames.isEmpty();
  }
}
