package io.flowmatch.inference.metrics;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * An image classifier in ONNX whose features give the Fréchet distance and whose logits give the
 * class histogram of samples.
 *
 * <p>Contract: input {@code x} float32 [N, ...sample shape] (e.g. [N, 1, 28, 28], in the model's
 * data range), outputs {@code logits} float32 [N, K] and {@code features} float32 [N, D]. It is
 * checked at open against the sample shape of the generative model being evaluated: a classifier
 * that takes other inputs is a usage error (exit 2), a file that is not ONNX or lacks the outputs a
 * failure (exit 1). Runs on the CPU provider in batches of {@link #BATCH}.
 */
public final class OnnxClassifier implements AutoCloseable {
  public static final String INPUT = "x";
  public static final String LOGITS = "logits";
  public static final String FEATURES = "features";
  static final int BATCH = 256;

  private final String name;
  private final OrtSession session;
  private final OrtSession.SessionOptions options;
  private final int[] sampleShape;
  private final int sampleSize;
  private final Map<String, String> metadata;
  private volatile LongConsumer classified = count -> {};

  /** Logits and features of n inputs, row-major. */
  public record Outputs(int n, int classes, float[] logits, int featureSize, float[] features) {}

  private OnnxClassifier(
      String name,
      OrtSession session,
      OrtSession.SessionOptions options,
      int[] sampleShape,
      Map<String, String> metadata) {
    this.name = name;
    this.session = session;
    this.options = options;
    this.sampleShape = sampleShape.clone();
    this.sampleSize = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
    this.metadata = metadata;
  }

  /**
   * Opens the classifier and checks it against {@code sampleShape}, the shape of one sample of the
   * data it will classify.
   *
   * @param threads intra-op threads, 0 for ONNX Runtime's default
   */
  public static OnnxClassifier open(Path path, int[] sampleShape, int threads) {
    String name = path.toString();
    if (!Files.isRegularFile(path)) {
      throw FlowmatchException.invalidArgument(
          "classifier " + name + (Files.exists(path) ? " is not a file" : ": no such file"));
    }
    OrtSessions.Session opened = null;
    try {
      opened = OrtSessions.open(path, OrtSessions.settings().threads(threads));
      OrtSession session = opened.session();
      checkContract(name, session, sampleShape);
      Map<String, String> metadata = session.getMetadata().getCustomMetadata();
      return new OnnxClassifier(name, session, opened.options(), sampleShape, metadata);
    } catch (OrtException e) {
      if (opened != null) {
        opened.close();
      }
      throw FlowmatchException.badModel(
          "classifier " + name + " is not a valid ONNX model: " + firstLine(e));
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      throw e;
    }
  }

  private static void checkContract(String name, OrtSession session, int[] sampleShape)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    TensorInfo x = tensor(name, "input", INPUT, inputs.get(INPUT), inputs.keySet().toString());
    long[] dims = x.getShape();
    boolean fits = x.type == OnnxJavaType.FLOAT && dims.length == sampleShape.length + 1;
    for (int i = 0; fits && i < sampleShape.length; i++) {
      fits = dims[i + 1] < 0 || dims[i + 1] == sampleShape[i];
    }
    if (!fits) {
      throw FlowmatchException.invalidArgument(
          "classifier "
              + name
              + " takes "
              + INPUT
              + " "
              + describe(x)
              + ", but the model's samples have shape "
              + Arrays.toString(sampleShape)
              + " (expected float32 [N,"
              + join(sampleShape)
              + "])");
    }
    for (String out : new String[] {LOGITS, FEATURES}) {
      TensorInfo info = tensor(name, "output", out, outputs.get(out), outputs.keySet().toString());
      if (info.type != OnnxJavaType.FLOAT || info.getShape().length != 2) {
        throw FlowmatchException.badModel(
            "classifier "
                + name
                + ": output "
                + out
                + " is "
                + describe(info)
                + ", expected float32 [N,K]");
      }
    }
  }

  private static TensorInfo tensor(
      String name, String kind, String key, NodeInfo node, String have) {
    if (node == null || !(node.getInfo() instanceof TensorInfo)) {
      String message =
          "classifier "
              + name
              + " has no "
              + kind
              + " tensor '"
              + key
              + "' (its "
              + kind
              + "s: "
              + have
              + "); expected input x [N,...sample shape], outputs logits [N,K] and features [N,D]";
      if (kind.equals("input")) {
        throw FlowmatchException.invalidArgument(message);
      }
      throw FlowmatchException.badModel(message);
    }
    return (TensorInfo) node.getInfo();
  }

  private static String describe(TensorInfo info) {
    StringBuilder sb = new StringBuilder();
    sb.append(info.type == OnnxJavaType.FLOAT ? "float32" : info.type.toString().toLowerCase())
        .append(" [");
    long[] dims = info.getShape();
    for (int i = 0; i < dims.length; i++) {
      sb.append(i > 0 ? "," : "").append(dims[i] < 0 ? "N" : Long.toString(dims[i]));
    }
    return sb.append(']').toString();
  }

  private static String join(int[] shape) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? "," : "").append(shape[i]);
    }
    return sb.toString();
  }

  /** The {@code metadata_props} of the classifier file (e.g. {@code flowmatch.classes}). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Who hears of each classified batch (its input count), for a progress report; replaces the
   * previous listener, {@code null} for none.
   */
  public void onClassified(LongConsumer listener) {
    classified = listener == null ? count -> {} : listener;
  }

  /** Classifies {@code n} inputs of the sample shape given at open. */
  public Outputs run(float[] x, int n) {
    PointSets.check("classifier inputs", x, n, sampleSize);
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    float[] logits = null;
    float[] features = null;
    int classes = 0;
    int featureSize = 0;
    for (int from = 0; from < n; from += BATCH) {
      int count = Math.min(BATCH, n - from);
      long[] shape = new long[sampleShape.length + 1];
      shape[0] = count;
      for (int i = 0; i < sampleShape.length; i++) {
        shape[i + 1] = sampleShape[i];
      }
      FloatBuffer in = FloatBuffer.wrap(x, from * sampleSize, count * sampleSize).slice();
      try (OnnxTensor input = OnnxTensor.createTensor(env, in, shape);
          OrtSession.Result result = session.run(Map.of(INPUT, input))) {
        float[] l = rows(result, LOGITS, count);
        float[] f = rows(result, FEATURES, count);
        if (logits == null) {
          classes = l.length / count;
          featureSize = f.length / count;
          logits = new float[Math.multiplyExact(n, classes)];
          features = new float[Math.multiplyExact(n, featureSize)];
        }
        System.arraycopy(l, 0, logits, from * classes, count * classes);
        System.arraycopy(f, 0, features, from * featureSize, count * featureSize);
      } catch (OrtException e) {
        throw FlowmatchException.badModel(
            "classifier " + name + " failed on a batch of " + count + ": " + firstLine(e));
      }
      classified.accept(count);
    }
    return new Outputs(n, classes, logits, featureSize, features);
  }

  private float[] rows(OrtSession.Result result, String output, int count) throws OrtException {
    OnnxValue value = result.get(output).orElseThrow();
    long[] shape = ((TensorInfo) value.getInfo()).getShape();
    if (shape.length != 2 || shape[0] != count || shape[1] < 1) {
      throw FlowmatchException.badModel(
          "classifier "
              + name
              + ": output "
              + output
              + " has shape "
              + Arrays.toString(shape)
              + " for "
              + count
              + " inputs, expected ["
              + count
              + ",K]");
    }
    FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
    float[] out = new float[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Override
  public void close() {
    closeQuietly(session);
    options.close();
  }

  private static void closeQuietly(OrtSession session) {
    if (session == null) {
      return;
    }
    try {
      session.close();
    } catch (OrtException e) {
      // nothing useful to add to the error being reported, or at shutdown
    }
  }

  private static String firstLine(OrtException e) {
    String msg = e.getMessage() == null ? e.getCode().toString() : e.getMessage();
    int nl = msg.indexOf('\n');
    return (nl >= 0 ? msg.substring(0, nl) : msg)
        .replaceFirst("^Error code - (ORT_\\w+) - message: ", "$1: ")
        .trim();
  }
}
