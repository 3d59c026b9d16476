package io.flowmatch.inference.solver;

/**
 * The explicit midpoint method (RK2), order 2: the slope at a half Euler step. Two evaluations per
 * step.
 */
public final class MidpointSolver extends FixedStepSolver {
  public static final String NAME = "midpoint";

  public MidpointSolver(int steps, String grid) {
    super(NAME, steps, grid);
  }

  @Override
  public int evaluationsPerStep() {
    return 2;
  }

  @Override
  int workArrays() {
    return 2;
  }

  @Override
  void step(FieldCalls field, float[] x, int n, double t, double h, float[][] work) {
    float[] k = work[0];
    float[] middle = work[1];
    int size = n * field.sampleSize();
    double half = 0.5 * h;
    field.evaluate(x, t, n, k);
    for (int i = 0; i < size; i++) {
      middle[i] = (float) (x[i] + half * k[i]);
    }
    field.evaluate(middle, t + half, n, k);
    for (int i = 0; i < size; i++) {
      x[i] = (float) (x[i] + h * k[i]);
    }
  }
}
