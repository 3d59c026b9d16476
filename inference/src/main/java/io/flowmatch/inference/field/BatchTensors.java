package io.flowmatch.inference.field;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.flowmatch.inference.io.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Map;

/**
 * The input and output tensors of one batch size, made once and reused for every call: ONNX Runtime
 * reads {@code x} and {@code t} from, and writes {@code v} into, direct native-order buffers that
 * this class owns, so a model call allocates no tensor memory.
 *
 * <p>float16 models keep {@code x} and {@code v} as half-precision bits; the conversion happens
 * here, at the boundary, so callers always see float arrays.
 */
final class BatchTensors implements AutoCloseable {
  /** Rows in the tensors (the batch dimension). */
  final int rows;

  private final int sampleSize;
  private final boolean half;
  private final FloatBuffer xFloat;
  private final ShortBuffer xHalf;
  private final FloatBuffer tBuffer;
  private final FloatBuffer vFloat;
  private final ShortBuffer vHalf;
  private final OnnxTensor x;
  private final OnnxTensor t;
  private final OnnxTensor v;
  final Map<String, OnnxTensor> inputs;
  final Map<String, OnnxTensor> outputs;

  BatchTensors(OrtEnvironment env, OnnxJavaType type, int rows, int[] sampleShape)
      throws OrtException {
    this.rows = rows;
    this.half = type == OnnxJavaType.FLOAT16;
    int size = 1;
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = rows;
    for (int i = 0; i < sampleShape.length; i++) {
      size *= sampleShape[i];
      shape[i + 1] = sampleShape[i];
    }
    this.sampleSize = size;
    int elements = Math.multiplyExact(rows, size);
    int bytesPerElement = half ? 2 : 4;
    ByteBuffer xBytes = direct(elements * bytesPerElement);
    ByteBuffer vBytes = direct(elements * bytesPerElement);
    xFloat = half ? null : xBytes.asFloatBuffer();
    xHalf = half ? xBytes.asShortBuffer() : null;
    vFloat = half ? null : vBytes.asFloatBuffer();
    vHalf = half ? vBytes.asShortBuffer() : null;
    tBuffer = direct(rows * 4).asFloatBuffer();

    OnnxTensor xt = null;
    OnnxTensor tt = null;
    OnnxTensor vt = null;
    try {
      xt =
          half
              ? OnnxTensor.createTensor(env, xHalf, shape, OnnxJavaType.FLOAT16)
              : OnnxTensor.createTensor(env, xFloat, shape);
      tt = OnnxTensor.createTensor(env, tBuffer, new long[] {rows});
      vt =
          half
              ? OnnxTensor.createTensor(env, vHalf, shape, OnnxJavaType.FLOAT16)
              : OnnxTensor.createTensor(env, vFloat, shape);
    } catch (OrtException | RuntimeException e) {
      closeAll(xt, tt, vt);
      throw e;
    }
    x = xt;
    t = tt;
    v = vt;
    inputs = Map.of(ModelContract.X, x, ModelContract.T, t);
    outputs = Map.of(ModelContract.V, v);
  }

  private static ByteBuffer direct(int bytes) {
    return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
  }

  /**
   * Copies {@code count} samples starting at sample {@code from} into the input buffers; rows past
   * {@code count} (padding for a model with a fixed batch size) are zeroed.
   */
  void load(float[] xs, float[] ts, int from, int count) {
    int offset = from * sampleSize;
    int length = count * sampleSize;
    int total = rows * sampleSize;
    if (half) {
      for (int i = 0; i < length; i++) {
        xHalf.put(i, Float16.fromFloat(xs[offset + i]));
      }
      for (int i = length; i < total; i++) {
        xHalf.put(i, (short) 0);
      }
    } else {
      xFloat.clear();
      xFloat.put(xs, offset, length);
      for (int i = length; i < total; i++) {
        xFloat.put(i, 0f);
      }
    }
    tBuffer.clear();
    tBuffer.put(ts, from, count);
    for (int i = count; i < rows; i++) {
      tBuffer.put(i, 0f);
    }
  }

  /**
   * Copies the first {@code count} samples of the output into {@code vs} at sample {@code from}.
   */
  void store(float[] vs, int from, int count) {
    int offset = from * sampleSize;
    int length = count * sampleSize;
    if (half) {
      for (int i = 0; i < length; i++) {
        vs[offset + i] = Float16.toFloat(vHalf.get(i));
      }
    } else {
      vFloat.clear();
      vFloat.get(vs, offset, length);
    }
  }

  @Override
  public void close() {
    closeAll(x, t, v);
  }

  private static void closeAll(OnnxTensor... tensors) {
    for (OnnxTensor tensor : tensors) {
      if (tensor != null) {
        tensor.close();
      }
    }
  }
}
