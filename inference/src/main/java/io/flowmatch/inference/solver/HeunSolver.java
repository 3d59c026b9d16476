package io.flowmatch.inference.solver;

/**
 * Heun's method (explicit trapezoidal rule, RK2), order 2, as in diffusion samplers: an Euler
 * predictor, then the mean of the slopes at both ends. Two evaluations per step on every step, the
 * last included: the corrector's slope is taken at the predicted point, not at the accepted one, so
 * it cannot be reused as the next step's first slope (NFE = 2·steps).
 */
public final class HeunSolver extends FixedStepSolver {
  public static final String NAME = "heun";

  public HeunSolver(int steps, String grid) {
    super(NAME, steps, grid);
  }

  @Override
  public int evaluationsPerStep() {
    return 2;
  }

  @Override
  int workArrays() {
    return 3;
  }

  @Override
  void step(FieldCalls field, float[] x, int n, double t, double h, float[][] work) {
    float[] k1 = work[0];
    float[] predicted = work[1];
    float[] k2 = work[2];
    int size = n * field.sampleSize();
    field.evaluate(x, t, n, k1);
    for (int i = 0; i < size; i++) {
      predicted[i] = (float) (x[i] + h * k1[i]);
    }
    field.evaluate(predicted, t + h, n, k2);
    double half = 0.5 * h;
    for (int i = 0; i < size; i++) {
      x[i] = (float) (x[i] + half * ((double) k1[i] + k2[i]));
    }
  }
}
