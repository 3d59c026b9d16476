package io.flowmatch.inference.jvp;

import io.flowmatch.inference.field.VelocityField;

/**
 * Checks Jacobian-vector products against five-point central differences of the plain model: J·u ≈
 * (−v(x+2εu) + 8v(x+εu) − 8v(x−εu) + v(x−2εu)) / 12ε, combined in double precision. The stencil's
 * truncation error is O(ε⁴), so with float32 model outputs the difference is dominated by rounding,
 * ~δ·|v|/ε with δ ≈ 6e-8: about 1e-5 relative at ε = 1e-2.
 */
public final class JvpCheck {
  private JvpCheck() {}

  /**
   * The largest relative error over rows, ‖jvp_i − fd_i‖ / ‖fd_i‖ (2-norms over one sample).
   *
   * @param jvp the products to check
   * @param field the plain model the differences are taken of
   * @param epsilon the difference step along u
   */
  public static double maxRelativeError(
      JacobianVectorProduct jvp,
      VelocityField field,
      float[] x,
      float[] t,
      float[] u,
      int n,
      double epsilon) {
    int size = field.sampleSize();
    float[] v = new float[n * size];
    float[] product = new float[n * size];
    jvp.evaluate(x, t, u, n, v, product);
    double[] fd = new double[n * size];
    double[] weights = {-1, 8, -8, 1};
    double[] steps = {2, 1, -1, -2};
    float[] shifted = new float[n * size];
    float[] out = new float[n * size];
    for (int s = 0; s < 4; s++) {
      for (int j = 0; j < n * size; j++) {
        shifted[j] = (float) (x[j] + steps[s] * epsilon * u[j]);
      }
      field.evaluate(shifted, t, n, out);
      for (int j = 0; j < n * size; j++) {
        fd[j] += weights[s] * out[j] / (12 * epsilon);
      }
    }
    double worst = 0;
    for (int i = 0; i < n; i++) {
      double diff = 0;
      double norm = 0;
      for (int j = i * size; j < (i + 1) * size; j++) {
        diff += (product[j] - fd[j]) * (product[j] - fd[j]);
        norm += fd[j] * fd[j];
      }
      worst = Math.max(worst, Math.sqrt(diff / Math.max(norm, 1e-300)));
    }
    return worst;
  }
}
