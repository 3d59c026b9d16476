package io.flowmatch.training.export.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.Float16;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Runs an exported model in ONNX Runtime (optimisation level ALL, as users will run it) and the DJL
 * float32 forward of the same block on the same random {@code x ~ N(0, 1)} and {@code t ~ U[0, 1]},
 * and compares the velocities.
 *
 * <p>The error is reported relative to max|v| of the DJL forward, so one bound works for models of
 * any output scale; {@link ExportPrecision#tolerance()} gives the bound.
 */
public final class ParityCheck {
  private ParityCheck() {}

  /** Default batch: several samples so per-sample time handling is exercised. */
  public static final int DEFAULT_BATCH = 8;

  /** Fixed seed so a failed check can be reproduced. */
  public static final long DEFAULT_SEED = 20240611L;

  /**
   * Figures of one check.
   *
   * @param precision the exported number format
   * @param batch samples compared
   * @param maxAbsError max |v_ort − v_djl| over all elements
   * @param maxAbsReference max |v_djl|
   * @param relativeError maxAbsError / maxAbsReference (0 when both are 0)
   * @param tolerance the largest accepted relative error
   */
  public record Result(
      ExportPrecision precision,
      int batch,
      double maxAbsError,
      double maxAbsReference,
      double relativeError,
      double tolerance) {
    public boolean passed() {
      return relativeError <= tolerance;
    }

    /** One line of figures. */
    public String describe() {
      return String.format(
          "parity %s vs DJL fp32 (ORT level ALL, batch %d): max abs error %.3g, max|v| %.3g,"
              + " relative %.3g (limit %.0e)",
          precision, batch, maxAbsError, maxAbsReference, relativeError, tolerance);
    }
  }

  /** Checks with the default batch and seed. */
  public static Result run(
      Block block, byte[] model, int[] sampleShape, ExportPrecision precision) {
    return run(block, model, sampleShape, precision, DEFAULT_BATCH, DEFAULT_SEED);
  }

  /**
   * Compares ONNX Runtime and DJL on one random batch.
   *
   * @param block the float32 DJL block the model was exported from
   * @param model the serialised ONNX model
   * @param sampleShape shape of one sample
   * @param precision how the model was exported (decides the input type and the bound)
   * @throws FlowmatchException if ONNX Runtime cannot load or run the model
   */
  public static Result run(
      Block block,
      byte[] model,
      int[] sampleShape,
      ExportPrecision precision,
      int batch,
      long seed) {
    requireFloat32(block);
    int perSample = 1;
    for (int d : sampleShape) {
      perSample *= d;
    }
    Random random = new Random(seed);
    float[] x = new float[batch * perSample];
    for (int i = 0; i < x.length; i++) {
      float v = (float) random.nextGaussian();
      // float16 inputs see x rounded to half; give DJL the same values so only the model differs
      x[i] = precision.ioType() == OnnxGraphBuilder.FLOAT16 ? Float16.round(v) : v;
    }
    float[] t = new float[batch];
    for (int i = 0; i < batch; i++) {
      t[i] = random.nextFloat();
    }
    long[] xShape = new long[sampleShape.length + 1];
    xShape[0] = batch;
    for (int i = 0; i < sampleShape.length; i++) {
      xShape[i + 1] = sampleShape[i];
    }

    float[] reference = djlForward(block, x, t, xShape);
    float[] onnx = ortForward(model, x, t, xShape, precision);
    if (onnx.length != reference.length) {
      throw new FlowmatchException(
          ErrorKind.NUMERIC,
          "parity check: ONNX Runtime returned "
              + onnx.length
              + " values, DJL "
              + reference.length);
    }
    double maxErr = 0;
    double maxRef = 0;
    for (int i = 0; i < reference.length; i++) {
      double e = Math.abs((double) onnx[i] - reference[i]);
      if (Double.isNaN(e)) {
        e = Double.POSITIVE_INFINITY; // a NaN from either side is a failure, never a pass
      }
      maxErr = Math.max(maxErr, e);
      maxRef = Math.max(maxRef, Math.abs(reference[i]));
    }
    double rel = maxErr == 0 ? 0 : maxRef == 0 ? Double.POSITIVE_INFINITY : maxErr / maxRef;
    return new Result(precision, batch, maxErr, maxRef, rel, precision.tolerance());
  }

  private static void requireFloat32(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().isInitialized()
          && p.getValue().getArray().getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException(
            "export needs the float32 weights (master or EMA), got parameter "
                + p.getKey()
                + " of type "
                + p.getValue().getArray().getDataType());
      }
    }
  }

  private static float[] djlForward(Block block, float[] x, float[] t, long[] xShape) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray xa = m.create(x, new Shape(xShape));
      NDArray ta = m.create(t);
      NDList out = block.forward(new ParameterStore(m, false), new NDList(xa, ta), false);
      return out.head().toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  private static float[] ortForward(
      byte[] model, float[] x, float[] t, long[] xShape, ExportPrecision precision) {
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    try (OrtSessions.Session opened = OrtSessions.open(model, OrtSessions.settings())) {
      OrtSession session = opened.session();
      try (OnnxTensor xt = xTensor(env, x, xShape, precision);
          OnnxTensor tt = OnnxTensor.createTensor(env, FloatBuffer.wrap(t), new long[] {t.length});
          OrtSession.Result r =
              session.run(Map.of(ModelMetadata.INPUT_X, xt, ModelMetadata.INPUT_T, tt))) {
        OnnxTensor v = (OnnxTensor) r.get(0);
        long[] shape = v.getInfo().getShape();
        if (!Arrays.equals(shape, xShape)) {
          throw new FlowmatchException(
              ErrorKind.NUMERIC,
              "parity check: v has shape "
                  + Arrays.toString(shape)
                  + ", expected "
                  + Arrays.toString(xShape));
        }
        FloatBuffer fb = v.getFloatBuffer(); // float16 outputs are widened by ORT
        float[] out = new float[fb.remaining()];
        fb.get(out);
        return out;
      }
    } catch (OrtException e) {
      throw new FlowmatchException(
          ErrorKind.BAD_MODEL, "parity check: ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private static OnnxTensor xTensor(
      OrtEnvironment env, float[] x, long[] shape, ExportPrecision precision) throws OrtException {
    if (precision.ioType() == OnnxGraphBuilder.FLOAT) {
      return OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
    }
    ByteBuffer halves = ByteBuffer.allocateDirect(x.length * 2).order(ByteOrder.nativeOrder());
    for (float v : x) {
      halves.putShort(Float16.fromFloat(v));
    }
    halves.rewind();
    return OnnxTensor.createTensor(env, halves, shape, OnnxJavaType.FLOAT16);
  }
}
