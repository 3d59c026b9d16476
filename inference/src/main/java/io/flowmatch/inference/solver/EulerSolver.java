package io.flowmatch.inference.solver;

/** Explicit Euler, order 1: x ← x + h·v(x, t). One evaluation per step. */
public final class EulerSolver extends FixedStepSolver {
  public static final String NAME = "euler";

  public EulerSolver(int steps, String grid) {
    super(NAME, steps, grid);
  }

  @Override
  public int evaluationsPerStep() {
    return 1;
  }

  @Override
  int workArrays() {
    return 1;
  }

  @Override
  void step(FieldCalls field, float[] x, int n, double t, double h, float[][] work) {
    float[] k = work[0];
    field.evaluate(x, t, n, k);
    int size = n * field.sampleSize();
    for (int i = 0; i < size; i++) {
      x[i] = (float) (x[i] + h * k[i]);
    }
  }
}
