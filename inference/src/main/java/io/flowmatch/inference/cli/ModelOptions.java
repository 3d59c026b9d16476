package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.Device;
import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.format.Numbers;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Which model to run and how (a picocli mixin shared by the sampling commands). */
@HelpGroup("Model and device")
public final class ModelOptions {
  /** Default models, tried in order, relative to the project root. */
  static final String[] DEFAULT_MODELS = {"models/fashion-mnist-dit.onnx", "models/gmm8.onnx"};

  /** The launcher passes the project root in this system property. */
  public static final String HOME_PROPERTY = "flowmatch.home";

  @Option(
      names = "--model",
      paramLabel = "M",
      description =
          "ONNX model (inputs x [N,...], t [N]; output v). Default: models/fashion-mnist-dit.onnx"
              + " if present, else models/gmm8.onnx, in the flowmatch folder.")
  Path model;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Samples per solve (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + FieldOptions.DEFAULT_MAX_BATCH)
  int batch;

  @Option(
      names = "--call-batch",
      paramLabel = "C",
      description =
          "Most samples per model call, or auto: the largest power of two whose biggest"
              + " activation fits a 4 MiB cache budget on cpu, 256 on GPUs (default: ${DEFAULT-VALUE}).",
      defaultValue = "auto")
  String callBatch;

  @Option(
      names = "--provider",
      paramLabel = "P",
      description = "Execution provider: cpu, cuda or tensorrt (default: ${DEFAULT-VALUE}).",
      defaultValue = "cpu")
  String provider;

  @Option(
      names = "--strict",
      description = "Fail instead of falling back to cpu when a GPU provider cannot load.")
  boolean strict;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description =
          "Intra-op threads of ONNX Runtime; 0 = one per core (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int threads;

  @Option(
      names = "--optimization",
      paramLabel = "O",
      description =
          "Graph optimisation level: all, extended, basic or none (default: ${DEFAULT-VALUE}).",
      defaultValue = "all")
  String optimization;

  @Option(
      names = "--shape",
      paramLabel = "D",
      description =
          "Shape of one sample, e.g. 2 or 1,28,28, for models without flowmatch.data_shape metadata.")
  String shape;

  /** Checks the numbers; call before any work. */
  void check() {
    OptionChecks.positive("--batch", batch);
    callBatch();
    if (threads < 0) {
      throw new UsageException(
          "--threads must be 0 (one per core) or a positive integer, got " + threads);
    }
    io.flowmatch.inference.runtime.ThreadCount.check("--threads", threads);
    if (shape != null) {
      parseShape(shape);
    }
  }

  /** --call-batch as {@link FieldOptions#maxBatch}: {@link FieldOptions#AUTO_BATCH} for auto. */
  int callBatch() {
    if ("auto".equals(callBatch)) {
      return FieldOptions.AUTO_BATCH;
    }
    int value;
    try {
      value = Integer.parseInt(callBatch.trim());
    } catch (NumberFormatException e) {
      value = 0;
    }
    if (value < 1) {
      throw new UsageException(
          "--call-batch must be a positive integer or auto, got '" + callBatch + "'");
    }
    return value;
  }

  /**
   * Opens the model through the public API; warnings, and with {@code verbose} what was loaded, go
   * to {@code stderr}.
   */
  FlowModel openModel(PrintWriter stderr, boolean verbose) {
    long start = System.nanoTime();
    FlowModel model =
        FlowModel.open(resolve(), device(stderr), shape == null ? null : parseShape(shape));
    if (verbose) {
      stderr.printf(
          Locale.ROOT,
          "model %s: %s input, provider %s, sample shape %s, model calls of at most %d samples,"
              + " loaded in %s s%n",
          resolve(),
          model.inputType(),
          model.provider(),
          Arrays.toString(model.sampleShape()),
          model.callBatch(),
          Numbers.fixed((System.nanoTime() - start) / 1e9, 2));
      model.metadata().forEach((k, v) -> stderr.println("  " + k + " = " + v));
    }
    return model;
  }

  /** The device these options describe (warnings go to {@code stderr}). */
  Device device(PrintWriter stderr) {
    return Device.of(Device.Provider.parse(provider))
        .strict(strict)
        .threads(threads)
        .optimization(Device.Optimization.parse(optimization))
        .callBatch(callBatch())
        .onWarning(line -> stderr.println("warning: " + line));
  }

  /** Opens the model (warnings go to {@code stderr}). */
  OnnxVelocityField open(PrintWriter stderr) {
    return OnnxVelocityField.open(resolve(), options(stderr));
  }

  /** The field options these options give (warnings go to {@code stderr}). */
  FieldOptions options(PrintWriter stderr) {
    return new FieldOptions(
        provider,
        strict,
        threads,
        optimization,
        callBatch(),
        shape == null ? null : parseShape(shape),
        line -> stderr.println("warning: " + line));
  }

  /** The --model path, or the first default model that exists under the flowmatch folder. */
  Path resolve() {
    if (model != null) {
      if (!Files.exists(model)) {
        throw new UsageException("--model " + model + ": no such file");
      }
      if (Files.isDirectory(model)) {
        throw new UsageException("--model " + model + " is a folder, expected an .onnx file");
      }
      return model;
    }
    String home = System.getProperty(HOME_PROPERTY);
    Path root = Path.of(home != null && !home.isBlank() ? home : "").toAbsolutePath();
    for (String candidate : DEFAULT_MODELS) {
      Path p = root.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new UsageException(
        "no --model given and no default model in "
            + root
            + " (looked for "
            + String.join(", ", DEFAULT_MODELS)
            + ")");
  }

  static int[] parseShape(String text) {
    try {
      return ModelCard.parseShape(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          "--shape must be positive integers separated by commas, e.g. 1,28,28, got '"
              + text
              + "'");
    }
  }
}
