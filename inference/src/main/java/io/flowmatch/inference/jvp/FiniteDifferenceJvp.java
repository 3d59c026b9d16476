package io.flowmatch.inference.jvp;

import io.flowmatch.inference.field.VelocityField;
import java.util.Map;

/**
 * Approximate Jacobian-vector products by central differences of a velocity field: J_x v · u ≈ (v(x
 * + εu) − v(x − εu)) / 2ε, three model calls per product (v itself, then the two shifted points).
 * For models with ops the {@link JvpTransform} does not know.
 *
 * <p>ε balances float32 rounding (error ~ δ|v|/ε, δ ≈ 6e-8) against truncation (~ ε²|v'''|): ε =
 * {@value #RELATIVE_STEP}·(1 + ‖x‖_rms)/‖u‖_rms per row, the cube root of δ scaled to the data.
 */
public final class FiniteDifferenceJvp implements JacobianVectorProduct {
  /** Step relative to the data scale: about the cube root of float32's unit roundoff. */
  public static final double RELATIVE_STEP = 4e-3;

  private final VelocityField field;
  private float[] shifted = new float[0];
  private float[] plus = new float[0];
  private float[] minus = new float[0];

  /** Wraps {@code field}; closing this closes it. */
  public FiniteDifferenceJvp(VelocityField field) {
    this.field = field;
  }

  @Override
  public int[] sampleShape() {
    return field.sampleShape();
  }

  @Override
  public boolean exact() {
    return false;
  }

  @Override
  public String describe() {
    return "approximate JVP (central differences, 2 extra model calls per product)";
  }

  @Override
  public Map<String, String> metadata() {
    return field.metadata();
  }

  @Override
  public void evaluate(float[] x, float[] t, float[] u, int n, float[] v, float[] jvp) {
    int size = field.sampleSize();
    int len = n * size;
    if (shifted.length < len) {
      shifted = new float[len];
      plus = new float[len];
      minus = new float[len];
    }
    field.evaluate(x, t, n, v);
    double[] eps = new double[n];
    for (int i = 0; i < n; i++) {
      double xs = 0;
      double us = 0;
      for (int j = i * size; j < (i + 1) * size; j++) {
        xs += (double) x[j] * x[j];
        us += (double) u[j] * u[j];
      }
      double urms = Math.sqrt(us / size);
      eps[i] = urms == 0 ? 0 : RELATIVE_STEP * (1 + Math.sqrt(xs / size)) / urms;
    }
    shift(x, u, eps, n, size, 1);
    field.evaluate(shifted, t, n, plus);
    shift(x, u, eps, n, size, -1);
    field.evaluate(shifted, t, n, minus);
    for (int i = 0; i < n; i++) {
      for (int j = i * size; j < (i + 1) * size; j++) {
        // the step actually taken, after rounding x ± εu to float
        jvp[j] = eps[i] == 0 ? 0f : (float) ((plus[j] - minus[j]) / (2 * eps[i]));
      }
    }
  }

  private void shift(float[] x, float[] u, double[] eps, int n, int size, int sign) {
    for (int i = 0; i < n; i++) {
      for (int j = i * size; j < (i + 1) * size; j++) {
        shifted[j] = (float) (x[j] + sign * eps[i] * u[j]);
      }
    }
  }

  @Override
  public void close() {
    field.close();
  }
}
