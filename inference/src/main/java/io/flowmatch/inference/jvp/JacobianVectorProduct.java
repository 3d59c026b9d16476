package io.flowmatch.inference.jvp;

/**
 * Jacobian-vector products of a velocity field: v(x, t) together with J_x v(x, t) · u, batched,
 * into caller-owned arrays (as {@link io.flowmatch.inference.field.VelocityField}).
 */
public interface JacobianVectorProduct extends AutoCloseable {

  /** Shape of one sample, without the batch axis. */
  int[] sampleShape();

  /** Floats in one sample. */
  default int sampleSize() {
    int size = 1;
    for (int d : sampleShape()) {
      size *= d;
    }
    return size;
  }

  /**
   * Writes v(x_i, t_i) into {@code v} and J_x v(x_i, t_i)·u_i into {@code jvp} for rows i < n.
   *
   * @param x n·sampleSize floats, read only
   * @param t n times
   * @param u n·sampleSize tangent directions, read only
   * @param n rows to evaluate
   * @param v n·sampleSize floats, written
   * @param jvp n·sampleSize floats, written
   */
  void evaluate(float[] x, float[] t, float[] u, int n, float[] v, float[] jvp);

  /** True for the differentiated graph; false for an approximation (finite differences). */
  boolean exact();

  /** One line saying how the products are computed. */
  String describe();

  /** Model metadata ({@code flowmatch.*} keys). */
  java.util.Map<String, String> metadata();

  @Override
  void close();
}
