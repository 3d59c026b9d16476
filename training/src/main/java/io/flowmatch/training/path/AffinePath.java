package io.flowmatch.training.path;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.Map;

/**
 * An affine probability path from noise x0 (t = 0) to data x1 (t = 1): {@code x_t = α_t·x1 +
 * σ_t·x0}, whose conditional velocity is {@code u_t = α̇_t·x1 + σ̇_t·x0}. A path is only its four
 * scalar functions (the inference module's {@link AffineSchedule}, which the samplers read back
 * from the model's metadata); the trainer never needs to know which path it is training.
 */
public interface AffinePath extends AffineSchedule {

  /** Parameters that, with {@link #name()}, rebuild this path through {@link Paths#create}. */
  Map<String, Double> params();

  /**
   * Interpolates a batch and builds its regression target, in float32.
   *
   * @param x0 noise, shape [N, ...]
   * @param x1 data, same shape
   * @param t one time per sample (length N)
   * @return x_t and the target velocity, both shaped like x0 and attached to x0's manager
   */
  default PathSample sample(NDArray x0, NDArray x1, float[] t) {
    int n = t.length;
    if (x0.getShape().get(0) != n || !x0.getShape().equals(x1.getShape())) {
      throw new IllegalArgumentException(
          "path sample: x0 " + x0.getShape() + ", x1 " + x1.getShape() + " and " + n + " times");
    }
    float[] a = new float[n];
    float[] s = new float[n];
    float[] da = new float[n];
    float[] ds = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) alpha(t[i]);
      s[i] = (float) sigma(t[i]);
      da[i] = (float) dAlpha(t[i]);
      ds[i] = (float) dSigma(t[i]);
    }
    NDManager m = x0.getManager();
    Shape column = broadcastShape(x0.getShape());
    NDArray xt = m.create(a, column).mul(x1).add(m.create(s, column).mul(x0));
    NDArray target = m.create(da, column).mul(x1).add(m.create(ds, column).mul(x0));
    return new PathSample(xt, target);
  }

  /** [N, 1, 1, …]: one coefficient per sample, broadcast over the sample's dimensions. */
  static Shape broadcastShape(Shape batchShape) {
    long[] dims = new long[batchShape.dimension()];
    java.util.Arrays.fill(dims, 1L);
    dims[0] = batchShape.get(0);
    return new Shape(dims);
  }

  /** A batch on the path: the network input x_t and the velocity it should predict. */
  record PathSample(NDArray xt, NDArray target) {}
}
