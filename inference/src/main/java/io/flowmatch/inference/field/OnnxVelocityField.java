package io.flowmatch.inference.field;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.flowmatch.inference.error.FlowmatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A velocity field computed by an ONNX model in an ONNX Runtime session.
 *
 * <p>The model must follow the flowmatch contract: inputs {@code x} [N, ...sample shape] (float32
 * or float16) and {@code t} [N] (float32), output {@code v} with the type and shape of {@code x}.
 * It is checked when the field opens. float16 models take and return floats here; the conversion
 * happens at the boundary. A model whose batch dimension is fixed at B runs in batches of exactly B
 * (the last one zero-padded); otherwise requests are split into batches of {@link #maxBatch()}.
 *
 * <p>Each batch size gets its input and output tensors once, over direct buffers that ONNX Runtime
 * reads and writes in place ({@code run(inputs, pinnedOutputs)}), so repeated calls allocate no
 * tensor memory. Not thread-safe for concurrent {@link #evaluate} calls (they are serialised).
 *
 * <p>Errors are one line: a missing or unreadable file and options that do not fit the model are
 * {@link FlowmatchException}s of kind {@code INVALID_ARGUMENT}; a file that is not ONNX or breaks
 * the contract ({@code BAD_MODEL}), a GPU provider that cannot load under {@code strict} ({@code
 * UNSUPPORTED}) and a failing model call are other kinds.
 */
public final class OnnxVelocityField implements VelocityField {
  /** How many batch sizes keep their tensors: the full batch and a few remainders. */
  private static final int CACHED_BATCH_SIZES = 4;

  private final String model;
  private final OrtSession session;
  private final SessionOptions sessionOptions;
  private final String providerUsed;
  private final OnnxJavaType dataType;
  private final int[] sampleShape;
  private final int sampleSize;
  private final int maxBatch;
  private final boolean fixedBatch;
  private final Map<String, String> metadata;
  private final Map<Integer, BatchTensors> batches;
  private boolean closed;

  private OnnxVelocityField(
      String model,
      OrtSession session,
      SessionOptions sessionOptions,
      String providerUsed,
      ModelContract contract,
      int maxBatch,
      Map<String, String> metadata) {
    this.model = model;
    this.session = session;
    this.sessionOptions = sessionOptions;
    this.providerUsed = providerUsed;
    this.dataType = contract.dataType;
    this.sampleShape = contract.sampleShape;
    long size = 1;
    for (int d : sampleShape) {
      size = Math.min(size * d, Long.MAX_VALUE / Integer.MAX_VALUE);
    }
    if (size > io.flowmatch.inference.runtime.MemoryBudget.MAX_ARRAY) {
      throw FlowmatchException.badModel(
          model
              + ": input x has sample shape "
              + java.util.Arrays.toString(sampleShape)
              + ", more values per sample than one Java array holds ("
              + io.flowmatch.inference.runtime.MemoryBudget.MAX_ARRAY
              + ")");
    }
    this.sampleSize = (int) size;
    this.fixedBatch = contract.staticBatch > 0;
    this.maxBatch = fixedBatch ? Math.toIntExact(contract.staticBatch) : maxBatch;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    this.batches =
        new LinkedHashMap<>(8, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Integer, BatchTensors> eldest) {
            if (size() > CACHED_BATCH_SIZES) {
              eldest.getValue().close();
              return true;
            }
            return false;
          }
        };
  }

  /**
   * Opens {@code modelPath} with the given options and checks it against the model contract.
   *
   * @throws FlowmatchException for a missing file or options that are invalid or do not fit the
   *     model
   * @throws FlowmatchException for a file that is not a valid ONNX model or breaks the contract, or
   *     a GPU provider that cannot load when {@code options.strict()} is set
   */
  public static OnnxVelocityField open(Path modelPath, FieldOptions options) {
    checkOptions(options);
    String model = modelPath.toString();
    if (!Files.exists(modelPath)) {
      throw FlowmatchException.invalidArgument("model file not found: " + model);
    }
    if (Files.isDirectory(modelPath)) {
      throw FlowmatchException.invalidArgument(
          "model " + model + " is a directory, expected an .onnx file");
    }
    if (!Files.isReadable(modelPath)) {
      throw FlowmatchException.invalidArgument("model file " + model + " is not readable");
    }
    requireNotEmpty(modelPath);
    Opened opened = ExecutionProviders.openSession(modelPath, options);
    try {
      Map<String, String> metadata = opened.session().getMetadata().getCustomMetadata();
      ModelContract contract =
          ModelContract.check(
              model,
              opened.session().getInputInfo(),
              opened.session().getOutputInfo(),
              metadata,
              options.sampleShape());
      return new OnnxVelocityField(
          model,
          opened.session(),
          opened.options(),
          opened.provider(),
          contract,
          options.maxBatch() == FieldOptions.AUTO_BATCH
              ? CallBatch.choose(modelPath, opened.provider())
              : options.maxBatch(),
          metadata);
    } catch (OrtException e) {
      opened.close();
      throw FlowmatchException.badModel(
          "model "
              + model
              + ": cannot read its inputs and outputs: "
              + ExecutionProviders.firstLine(e));
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** ORT's own message for an empty file is a source path; this says what was expected. */
  private static void requireNotEmpty(Path modelPath) {
    long size;
    try {
      size = Files.size(modelPath);
    } catch (java.io.IOException e) {
      return; // ORT says why it cannot read it
    }
    if (size == 0) {
      throw FlowmatchException.badModel(
          "model " + modelPath + " is empty (0 bytes), expected an ONNX model file");
    }
  }

  /** A session and the options it was made with (closed together). */
  record Opened(OrtSession session, SessionOptions options, String provider) {
    void close() {
      try {
        session.close();
      } catch (OrtException e) {
        // closing after a failed check: nothing more to report than the check's error
      }
      options.close();
    }
  }

  private static void checkOptions(FieldOptions options) {
    if (options.provider() == null || !FieldOptions.PROVIDERS.contains(options.provider())) {
      throw FlowmatchException.invalidArgument(
          "unknown provider '"
              + options.provider()
              + "', expected one of: "
              + String.join(", ", FieldOptions.PROVIDERS));
    }
    if (options.optimization() == null
        || !FieldOptions.OPTIMIZATIONS.contains(options.optimization())) {
      throw FlowmatchException.invalidArgument(
          "unknown optimization level '"
              + options.optimization()
              + "', expected one of: "
              + String.join(", ", FieldOptions.OPTIMIZATIONS));
    }
    if (options.threads() < 0) {
      throw FlowmatchException.invalidArgument(
          "threads must be 0 (onnx runtime's default) or a positive integer, got "
              + options.threads());
    }
    io.flowmatch.inference.runtime.ThreadCount.check("threads", options.threads());
    if (options.maxBatch() < 0) {
      throw FlowmatchException.invalidArgument(
          "batch size must be a positive integer (or 0 for automatic), got " + options.maxBatch());
    }
  }

  /** The process-wide ONNX Runtime environment, logging errors only (no warnings on stderr). */
  static OrtEnvironment environment() {
    return io.flowmatch.inference.runtime.OrtRuntime.environment();
  }

  /** Most samples per model call (the model's fixed batch size if it has one). */
  public int maxBatch() {
    return maxBatch;
  }

  /** Element type of {@code x} and {@code v}: {@code "float32"} or {@code "float16"}. */
  public String inputType() {
    return dataType == OnnxJavaType.FLOAT16 ? "float16" : "float32";
  }

  /** The provider that runs the model: {@code cpu}, {@code cuda} or {@code tensorrt}. */
  public String providerUsed() {
    return providerUsed;
  }

  /** The model's {@code metadata_props} (the {@code flowmatch.*} keys and any others). */
  @Override
  public Map<String, String> metadata() {
    return metadata;
  }

  @Override
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  @Override
  public int sampleSize() {
    return sampleSize;
  }

  /** The model path as given to {@link #open}. */
  public String model() {
    return model;
  }

  @Override
  public synchronized void evaluate(float[] x, float[] t, int n, float[] v) {
    if (closed) {
      throw new IllegalStateException("velocity field of model " + model + " is closed");
    }
    if (n < 0
        || (long) n * sampleSize > x.length
        || (long) n * sampleSize > v.length
        || n > t.length) {
      throw new IllegalArgumentException(
          "evaluate: "
              + n
              + " samples of "
              + sampleSize
              + " floats do not fit x["
              + x.length
              + "], t["
              + t.length
              + "], v["
              + v.length
              + "]");
    }
    for (int from = 0; from < n; from += maxBatch) {
      int count = Math.min(maxBatch, n - from);
      BatchTensors batch = tensorsFor(fixedBatch ? maxBatch : count);
      batch.load(x, t, from, count);
      try (OrtSession.Result result = session.run(batch.inputs, batch.outputs)) {
        // v was written into batch's own buffer; the result does not own it
      } catch (OrtException e) {
        throw FlowmatchException.badModel(
            "model "
                + model
                + " failed on a batch of "
                + count
                + ": "
                + ExecutionProviders.firstLine(e));
      }
      batch.store(v, from, count);
    }
  }

  private BatchTensors tensorsFor(int rows) {
    BatchTensors batch = batches.get(rows);
    if (batch == null) {
      try {
        batch = new BatchTensors(environment(), dataType, rows, sampleShape);
      } catch (OrtException e) {
        throw FlowmatchException.resourceLimit(
            "cannot allocate tensors for a batch of "
                + rows
                + ": "
                + ExecutionProviders.firstLine(e));
      }
      batches.put(rows, batch);
    }
    return batch;
  }

  /**
   * Closes the tensors, the session and its options. Idempotent. The ONNX Runtime environment is
   * the process-wide one that every field shares, so it stays open.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<BatchTensors> all = new ArrayList<>(batches.values());
    batches.clear();
    for (BatchTensors b : all) {
      b.close();
    }
    try {
      session.close();
    } catch (OrtException e) {
      throw FlowmatchException.io(
          "cannot close the session of model " + model + ": " + e.getMessage(), e);
    } finally {
      sessionOptions.close();
    }
  }
}
