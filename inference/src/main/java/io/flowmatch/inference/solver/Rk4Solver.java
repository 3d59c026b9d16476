package io.flowmatch.inference.solver;

/** The classical fourth-order Runge–Kutta method. Four evaluations per step. */
public final class Rk4Solver extends FixedStepSolver {
  public static final String NAME = "rk4";

  public Rk4Solver(int steps, String grid) {
    super(NAME, steps, grid);
  }

  @Override
  public int evaluationsPerStep() {
    return 4;
  }

  @Override
  int workArrays() {
    return 5;
  }

  @Override
  void step(FieldCalls field, float[] x, int n, double t, double h, float[][] work) {
    float[] k1 = work[0];
    float[] k2 = work[1];
    float[] k3 = work[2];
    float[] k4 = work[3];
    float[] stage = work[4];
    int size = n * field.sampleSize();
    double half = 0.5 * h;
    field.evaluate(x, t, n, k1);
    for (int i = 0; i < size; i++) {
      stage[i] = (float) (x[i] + half * k1[i]);
    }
    field.evaluate(stage, t + half, n, k2);
    for (int i = 0; i < size; i++) {
      stage[i] = (float) (x[i] + half * k2[i]);
    }
    field.evaluate(stage, t + half, n, k3);
    for (int i = 0; i < size; i++) {
      stage[i] = (float) (x[i] + h * k3[i]);
    }
    field.evaluate(stage, t + h, n, k4);
    double sixth = h / 6;
    for (int i = 0; i < size; i++) {
      x[i] = (float) (x[i] + sixth * ((double) k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]));
    }
  }
}
