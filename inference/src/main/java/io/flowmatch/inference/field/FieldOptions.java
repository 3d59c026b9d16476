package io.flowmatch.inference.field;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * How {@link OnnxVelocityField#open} runs a model. Values are checked when the field opens, so the
 * error names the option that was wrong.
 *
 * @param provider execution provider: {@code cpu}, {@code cuda} or {@code tensorrt} (TensorRT with
 *     CUDA behind it for the nodes TensorRT does not take)
 * @param strict fail instead of falling back to CPU when a GPU provider cannot load
 * @param threads intra-op threads; 0 leaves ONNX Runtime's default (one per core)
 * @param optimization graph optimisation level: {@code all}, {@code extended}, {@code basic} or
 *     {@code none}
 * @param maxBatch most samples per model call; larger requests are split into batches of this size.
 *     {@link #AUTO_BATCH} lets {@link CallBatch} choose from the model's graph (CPU) or use {@link
 *     #DEFAULT_MAX_BATCH} (GPU providers)
 * @param sampleShape shape of one sample without the batch dimension, or {@code null} to take it
 *     from the model's {@code flowmatch.data_shape} metadata or its static dimensions
 * @param warnings receives one line per warning (e.g. a GPU provider falling back to CPU)
 * @param optimizedModelPath where to save the graph as ONNX Runtime optimised it, or {@code null}
 */
public record FieldOptions(
    String provider,
    boolean strict,
    int threads,
    String optimization,
    int maxBatch,
    int[] sampleShape,
    Consumer<String> warnings,
    Path optimizedModelPath) {

  public static final List<String> PROVIDERS = List.of("cpu", "cuda", "tensorrt");
  public static final List<String> OPTIMIZATIONS =
      io.flowmatch.inference.runtime.OrtSessions.OPTIMIZATIONS;
  public static final int DEFAULT_MAX_BATCH = 256;

  /** {@code maxBatch} value asking for the call size {@link CallBatch#choose} picks. */
  public static final int AUTO_BATCH = 0;

  public FieldOptions {
    sampleShape = sampleShape == null ? null : sampleShape.clone();
    warnings = warnings == null ? line -> {} : warnings;
  }

  /** The options without {@code optimizedModelPath}. */
  public FieldOptions(
      String provider,
      boolean strict,
      int threads,
      String optimization,
      int maxBatch,
      int[] sampleShape,
      Consumer<String> warnings) {
    this(provider, strict, threads, optimization, maxBatch, sampleShape, warnings, null);
  }

  /**
   * CPU, not strict, ORT's default threads, all optimisations, automatic call size, warnings to
   * stderr.
   */
  public static FieldOptions defaults() {
    return new FieldOptions("cpu", false, 0, "all", AUTO_BATCH, null, System.err::println, null);
  }

  @Override
  public int[] sampleShape() {
    return sampleShape == null ? null : sampleShape.clone();
  }

  public FieldOptions withProvider(String value) {
    return new FieldOptions(
        value, strict, threads, optimization, maxBatch, sampleShape, warnings, optimizedModelPath);
  }

  public FieldOptions withStrict(boolean value) {
    return new FieldOptions(
        provider,
        value,
        threads,
        optimization,
        maxBatch,
        sampleShape,
        warnings,
        optimizedModelPath);
  }

  public FieldOptions withThreads(int value) {
    return new FieldOptions(
        provider, strict, value, optimization, maxBatch, sampleShape, warnings, optimizedModelPath);
  }

  public FieldOptions withOptimization(String value) {
    return new FieldOptions(
        provider, strict, threads, value, maxBatch, sampleShape, warnings, optimizedModelPath);
  }

  public FieldOptions withMaxBatch(int value) {
    return new FieldOptions(
        provider, strict, threads, optimization, value, sampleShape, warnings, optimizedModelPath);
  }

  public FieldOptions withSampleShape(int... value) {
    return new FieldOptions(
        provider, strict, threads, optimization, maxBatch, value, warnings, optimizedModelPath);
  }

  public FieldOptions withWarnings(Consumer<String> value) {
    return new FieldOptions(
        provider, strict, threads, optimization, maxBatch, sampleShape, value, optimizedModelPath);
  }

  public FieldOptions withOptimizedModelPath(Path value) {
    return new FieldOptions(
        provider, strict, threads, optimization, maxBatch, sampleShape, warnings, value);
  }
}
