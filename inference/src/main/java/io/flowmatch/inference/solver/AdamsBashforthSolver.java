package io.flowmatch.inference.solver;

/**
 * Adams–Bashforth of order p on any grid (variable-step weights, see {@link
 * MultistepSolver#adamsBashforthWeights}). The start keeps the global order p: step 0 is a one-step
 * method whose local error is O(h^p) (Euler for p = 2; Heun for p = 3, one extra model call), and
 * step j &lt; p − 1 uses Adams–Bashforth of order j + 1 on the nodes it has. One model call per
 * step after the start.
 */
abstract class AdamsBashforthSolver extends MultistepSolver {
  private final int order;

  AdamsBashforthSolver(String name, int order, int steps, String grid) {
    super(name, steps, grid);
    this.order = order;
  }

  /** A Heun start costs one evaluation more than the steps. */
  @Override
  public int evaluations() {
    return steps() + (order >= 3 ? 1 : 0);
  }

  @Override
  int workArrays() {
    // the velocities of the last `order` nodes, in a ring indexed by node; plus Heun's two
    return order + 2;
  }

  @Override
  void advance(FieldCalls field, float[] x, int n, double[] nodes, int i, float[][] work) {
    int size = n * field.sampleSize();
    float[] fi = work[i % order];
    field.evaluate(x, nodes[i], n, fi);
    double h = nodes[i + 1] - nodes[i];
    if (i == 0 && order >= 3) {
      // Heun: local error O(h^3), what order 3 needs of its first step
      float[] predicted = work[order];
      float[] k2 = work[order + 1];
      for (int k = 0; k < size; k++) {
        predicted[k] = (float) (x[k] + h * fi[k]);
      }
      field.evaluate(predicted, nodes[i + 1], n, k2);
      for (int k = 0; k < size; k++) {
        x[k] = (float) (x[k] + 0.5 * h * ((double) fi[k] + k2[k]));
      }
      return;
    }
    int p = Math.min(order, i + 1);
    double[] w = adamsBashforthWeights(nodes, i, p);
    float[][] f = new float[p][];
    for (int j = 0; j < p; j++) {
      f[j] = work[(i - j) % order];
    }
    addWeighted(x, size, w, f);
  }
}
