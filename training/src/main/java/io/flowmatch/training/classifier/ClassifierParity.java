package io.flowmatch.training.classifier;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Runs the exported classifier in ONNX Runtime (optimisation level ALL) and the DJL forward on the
 * same images, and compares logits and features, each relative to its own max |value| in DJL.
 */
public final class ClassifierParity {
  private ClassifierParity() {}

  /** The bound of a float32 export. */
  public static final double TOLERANCE = 1e-4;

  /**
   * Relative errors of the two outputs.
   *
   * @param logitsError max |Δ logits| / max |logits|
   * @param featuresError max |Δ features| / max |features|
   */
  public record Result(int images, double logitsError, double featuresError) {
    public boolean passed() {
      return logitsError <= TOLERANCE && featuresError <= TOLERANCE;
    }

    public String describe() {
      return "parity ONNX Runtime vs DJL on "
          + images
          + " images: logits "
          + Numbers.sig(logitsError, 2)
          + ", features "
          + Numbers.sig(featuresError, 2)
          + " relative (limit "
          + Numbers.sci(TOLERANCE, 1)
          + ")";
    }
  }

  /**
   * Compares on {@code count} images of {@code data} starting at the first.
   *
   * @throws FlowmatchException ONNX Runtime cannot load or run the model
   */
  public static Result check(FashionClassifier model, byte[] onnx, LabelledImages data, int count) {
    int n = Math.min(count, data.size());
    int per = data.rows() * data.cols();
    float[] x = new float[n * per];
    System.arraycopy(data.pixels(), 0, x, 0, x.length);
    long[] shape = {n, 1, data.rows(), data.cols()};
    float[] djlLogits;
    float[] djlFeatures;
    try (NDManager m = NDManager.newBaseManager()) {
      NDList out =
          model.forward(
              new ParameterStore(m, false), new NDList(m.create(x, new Shape(shape))), false);
      djlLogits = out.get(0).toFloatArray();
      djlFeatures = out.get(1).toFloatArray();
    }
    OrtEnvironment env = io.flowmatch.inference.runtime.OrtRuntime.environment();
    try (OrtSessions.Session opened = OrtSessions.open(onnx, OrtSessions.settings())) {
      OrtSession session = opened.session();
      try (OnnxTensor xt = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
          OrtSession.Result r = session.run(Map.of("x", xt))) {
        float[] logits = floats((OnnxTensor) r.get("logits").orElseThrow());
        float[] features = floats((OnnxTensor) r.get("features").orElseThrow());
        return new Result(n, relative(logits, djlLogits), relative(features, djlFeatures));
      }
    } catch (OrtException e) {
      throw new FlowmatchException(
          ErrorKind.BAD_MODEL, "parity check: ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  private static float[] floats(OnnxTensor t) {
    FloatBuffer fb = t.getFloatBuffer();
    float[] a = new float[fb.remaining()];
    fb.get(a);
    return a;
  }

  private static double relative(float[] got, float[] reference) {
    if (got.length != reference.length) {
      return Double.POSITIVE_INFINITY;
    }
    double maxErr = 0;
    double maxRef = 0;
    for (int i = 0; i < got.length; i++) {
      double e = Math.abs((double) got[i] - reference[i]);
      maxErr = Math.max(maxErr, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
      maxRef = Math.max(maxRef, Math.abs(reference[i]));
    }
    return maxErr == 0 ? 0 : maxRef == 0 ? Double.POSITIVE_INFINITY : maxErr / maxRef;
  }
}
