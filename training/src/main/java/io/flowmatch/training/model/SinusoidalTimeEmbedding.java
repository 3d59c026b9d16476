package io.flowmatch.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Sinusoidal features of the time t ∈ [0, 1]: {@code [sin(s·t·ω_i), cos(s·t·ω_i)]}, i < dim/2, with
 * ω_i = 10000^(−i/(dim/2)) and scale s = {@link #TIME_SCALE}.
 *
 * <p>Always computed in float32 and cast afterwards: the arguments reach ~1000, where float16 keeps
 * only about half a unit of precision and the sines would be noise. The ONNX exporter must build
 * exactly this function ({@code export.onnx.TimeEmbeddingGraph}).
 */
public final class SinusoidalTimeEmbedding {
  private SinusoidalTimeEmbedding() {}

  /** t is scaled so that the features resolve time steps of a few thousandths. */
  public static final float TIME_SCALE = 1000f;

  /** The frequencies ω_i·s (length dim/2), shared with the exporter. */
  public static float[] scaledFrequencies(int dim) {
    if (dim < 2 || dim % 2 != 0) {
      throw new IllegalArgumentException("time embedding size must be even and ≥ 2, got " + dim);
    }
    int half = dim / 2;
    float[] f = new float[half];
    for (int i = 0; i < half; i++) {
      f[i] = (float) (TIME_SCALE * Math.exp(-Math.log(10000.0) * i / half));
    }
    return f;
  }

  /**
   * Embeds times.
   *
   * @param t shape [N], any float type
   * @param dim embedding size (even)
   * @param type data type of the result (the working precision)
   * @return shape [N, dim]
   */
  public static NDArray embed(NDArray t, int dim, DataType type) {
    NDManager m = t.getManager();
    NDArray freqs = m.create(scaledFrequencies(dim)).reshape(1, dim / 2);
    NDArray args = t.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(freqs);
    NDArray emb = args.sin().concat(args.cos(), 1);
    return type == DataType.FLOAT32 ? emb : emb.toType(type, false);
  }
}
