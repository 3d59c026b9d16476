package io.flowmatch.inference.jvp;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.Float16;
import io.flowmatch.inference.runtime.OrtRuntime;
import io.flowmatch.inference.runtime.OrtSessions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact Jacobian-vector products of an ONNX velocity model: the model's {@link JvpTransform derived
 * graph} in its own ONNX Runtime session (CPU).
 *
 * <p>The derived model is built when the model is opened and cached in memory for the life of the
 * process (keyed by the file's real path, size and modification time), so opening the same model
 * again skips the transform. Nothing is written to disk. Not thread-safe for concurrent calls (they
 * are serialised).
 */
public final class JvpModel implements JacobianVectorProduct {
  private static final int CACHED_MODELS = 4;
  private static final Map<String, byte[]> DERIVED =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
          return size() > CACHED_MODELS;
        }
      };

  private final OnnxVelocityField field;
  private final OrtSession session;
  private final OrtSession.SessionOptions sessionOptions;
  private final boolean half;
  private final int[] sampleShape;
  private final int sampleSize;
  private final int maxBatch;
  private final String model;
  private Buffers buffers;
  private boolean closed;

  private JvpModel(OnnxVelocityField field, OrtSession session, OrtSession.SessionOptions so) {
    this.field = field;
    this.session = session;
    this.sessionOptions = so;
    this.half = field.inputType().equals("float16");
    this.sampleShape = field.sampleShape();
    this.sampleSize = field.sampleSize();
    this.maxBatch = field.maxBatch();
    this.model = field.model();
  }

  /**
   * Opens {@code modelPath} (checked against the model contract as {@link OnnxVelocityField#open}
   * does) and derives its JVP graph.
   *
   * @param options thread count, optimisation level, call batch and sample shape are used; the
   *     derived graph always runs on the CPU provider
   * @throws FlowmatchException {@code UNSUPPORTED} naming the op when the model has an op without a
   *     tangent rule; the errors of {@link OnnxVelocityField#open} otherwise
   */
  public static JvpModel open(Path modelPath, FieldOptions options) {
    OnnxVelocityField field = OnnxVelocityField.open(modelPath, options.withProvider("cpu"));
    OrtSessions.Session opened = null;
    try {
      byte[] derived = derived(modelPath, field);
      opened =
          OrtSessions.open(
              derived,
              OrtSessions.settings()
                  .threads(options.threads())
                  .interOpThreads(1)
                  .optimization(options.optimization() == null ? "all" : options.optimization()));
      return new JvpModel(field, opened.session(), opened.options());
    } catch (OrtException e) {
      field.close();
      throw FlowmatchException.badModel(
          "jvp: ONNX Runtime rejected the derived graph of "
              + modelPath
              + ": "
              + ShapeProbe.firstLine(e.getMessage()));
    } catch (RuntimeException e) {
      if (opened != null) {
        opened.close();
      }
      field.close();
      throw e;
    }
  }

  /** The derived model's bytes, from the in-memory cache or freshly derived. */
  private static byte[] derived(Path modelPath, OnnxVelocityField field) {
    String key;
    byte[] bytes;
    try {
      key =
          modelPath.toRealPath()
              + "|"
              + Files.size(modelPath)
              + "|"
              + Files.getLastModifiedTime(modelPath).toMillis()
              + "|"
              + java.util.Arrays.toString(field.sampleShape());
      synchronized (DERIVED) {
        byte[] cached = DERIVED.get(key);
        if (cached != null) {
          return cached;
        }
      }
      bytes = Files.readAllBytes(modelPath);
    } catch (IOException e) {
      throw FlowmatchException.io("jvp: cannot read model " + modelPath + ": " + e.getMessage(), e);
    }
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(bytes);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw FlowmatchException.badModel("jvp: " + modelPath + " is not an ONNX model");
    }
    int probeRows =
        field.maxBatch() < ShapeProbe.PROBE_ROWS ? field.maxBatch() : ShapeProbe.PROBE_ROWS;
    byte[] derived = JvpTransform.derive(proto, field.sampleShape(), probeRows).toByteArray();
    synchronized (DERIVED) {
      DERIVED.put(key, derived);
    }
    return derived;
  }

  /** The plain model (same file, same options): v without the tangent, at plain cost. */
  public OnnxVelocityField field() {
    return field;
  }

  @Override
  public int[] sampleShape() {
    return sampleShape.clone();
  }

  @Override
  public int sampleSize() {
    return sampleSize;
  }

  @Override
  public Map<String, String> metadata() {
    return field.metadata();
  }

  @Override
  public boolean exact() {
    return true;
  }

  @Override
  public String describe() {
    return "exact JVP (forward-mode graph of " + model + ")";
  }

  /** Most rows per model call. */
  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public synchronized void evaluate(
      float[] x, float[] t, float[] u, int n, float[] v, float[] jvp) {
    if (closed) {
      throw new IllegalStateException("jvp model of " + model + " is closed");
    }
    long needed = (long) n * sampleSize;
    if (n < 0
        || x.length < needed
        || u.length < needed
        || v.length < needed
        || jvp.length < needed
        || t.length < n) {
      throw new IllegalArgumentException(
          "jvp evaluate: "
              + n
              + " rows of "
              + sampleSize
              + " floats do not fit x["
              + x.length
              + "], t["
              + t.length
              + "], u["
              + u.length
              + "], v["
              + v.length
              + "], jvp["
              + jvp.length
              + "]");
    }
    for (int from = 0; from < n; from += maxBatch) {
      int count = Math.min(maxBatch, n - from);
      Buffers b = buffers(count);
      b.load(x, t, u, from, count);
      try (OrtSession.Result result = session.run(b.inputs, b.outputs)) {
        // written into b's own buffers
      } catch (OrtException e) {
        throw new FlowmatchException(
            io.flowmatch.inference.error.ErrorKind.NUMERIC,
            "jvp model of "
                + model
                + " failed on a batch of "
                + count
                + ": "
                + ShapeProbe.firstLine(e.getMessage()));
      }
      b.store(v, jvp, from, count);
    }
  }

  private Buffers buffers(int rows) {
    if (buffers != null && buffers.rows == rows) {
      return buffers;
    }
    if (buffers != null) {
      buffers.close();
      buffers = null;
    }
    try {
      buffers = new Buffers(rows);
    } catch (OrtException e) {
      throw FlowmatchException.resourceLimit(
          "jvp: cannot allocate tensors for "
              + rows
              + " rows: "
              + ShapeProbe.firstLine(e.getMessage()));
    }
    return buffers;
  }

  /** Direct buffers and tensors for one row count: x, t, u in; v, jvp out. */
  private final class Buffers implements AutoCloseable {
    final int rows;
    final ByteBuffer[] io = new ByteBuffer[4]; // x, u, v, jvp
    final FloatBuffer tBuffer;
    final List<OnnxTensor> tensors = new ArrayList<>();
    final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();

    Buffers(int rows) throws OrtException {
      this.rows = rows;
      OrtEnvironment env = OrtRuntime.environment();
      long[] shape = new long[sampleShape.length + 1];
      shape[0] = rows;
      for (int i = 0; i < sampleShape.length; i++) {
        shape[i + 1] = sampleShape[i];
      }
      int elements = rows * sampleSize;
      String[] names = {
        ModelMetadata.INPUT_X, JvpTransform.U, ModelMetadata.OUTPUT_V, JvpTransform.JVP
      };
      try {
        for (int k = 0; k < 4; k++) {
          io[k] =
              ByteBuffer.allocateDirect(elements * (half ? 2 : 4)).order(ByteOrder.nativeOrder());
          OnnxTensor tensor =
              half
                  ? OnnxTensor.createTensor(env, io[k].asShortBuffer(), shape, OnnxJavaType.FLOAT16)
                  : OnnxTensor.createTensor(env, io[k].asFloatBuffer(), shape);
          tensors.add(tensor);
          (k < 2 ? inputs : outputs).put(names[k], tensor);
        }
        tBuffer =
            ByteBuffer.allocateDirect(rows * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        OnnxTensor tt = OnnxTensor.createTensor(env, tBuffer, new long[] {rows});
        tensors.add(tt);
        inputs.put(ModelMetadata.INPUT_T, tt);
      } catch (OrtException | RuntimeException e) {
        close();
        throw e;
      }
    }

    void load(float[] x, float[] t, float[] u, int from, int count) {
      put(io[0], x, from * sampleSize, count * sampleSize);
      put(io[1], u, from * sampleSize, count * sampleSize);
      tBuffer.clear();
      tBuffer.put(t, from, count);
    }

    void store(float[] v, float[] jvp, int from, int count) {
      get(io[2], v, from * sampleSize, count * sampleSize);
      get(io[3], jvp, from * sampleSize, count * sampleSize);
    }

    private void put(ByteBuffer buf, float[] src, int offset, int length) {
      if (half) {
        ShortBuffer s = buf.asShortBuffer();
        for (int i = 0; i < length; i++) {
          s.put(i, Float16.fromFloat(src[offset + i]));
        }
      } else {
        FloatBuffer f = buf.asFloatBuffer();
        f.put(src, offset, length);
      }
    }

    private void get(ByteBuffer buf, float[] dst, int offset, int length) {
      if (half) {
        ShortBuffer s = buf.asShortBuffer();
        for (int i = 0; i < length; i++) {
          dst[offset + i] = Float16.toFloat(s.get(i));
        }
      } else {
        buf.asFloatBuffer().get(dst, offset, length);
      }
    }

    @Override
    public void close() {
      for (OnnxTensor tensor : tensors) {
        tensor.close();
      }
    }
  }

  /** Closes the session, its tensors and the plain model. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (buffers != null) {
      buffers.close();
    }
    try {
      session.close();
    } catch (OrtException e) {
      // nothing useful to report while closing
    }
    sessionOptions.close();
    field.close();
  }
}
