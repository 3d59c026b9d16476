package io.flowmatch.inference.solver;

/**
 * A linear multistep method on a {@link TimeGrid}: after a start, one model call per step, reusing
 * the velocities of earlier nodes. The history is kept in the work arrays, indexed by node, so the
 * solver itself holds no state and steps of any length (non-uniform grids) get their own
 * coefficients.
 */
abstract class MultistepSolver extends FixedStepSolver {

  MultistepSolver(String name, int steps, String grid) {
    super(name, steps, grid);
  }

  @Override
  public final int evaluationsPerStep() {
    return 1;
  }

  @Override
  final void step(FieldCalls field, float[] x, int n, double t, double h, float[][] work) {
    throw new IllegalStateException(name() + " needs the whole grid: call advance");
  }

  @Override
  abstract void advance(FieldCalls field, float[] x, int n, double[] nodes, int i, float[][] work);

  /**
   * The Adams–Bashforth weights of a step on any grid: {@code w[j]} multiplies the velocity at node
   * {@code i − j} (j = 0..order−1) in x_{i+1} = x_i + Σ_j w[j]·f_{i−j}. They are the integrals over
   * [t_i, t_{i+1}] of the Lagrange basis polynomials through the nodes i, i−1, …, so the step is
   * exact for velocities that are polynomials of degree order−1 in t; on a uniform grid of step h
   * they reduce to the textbook h·(3/2, −1/2) and h·(23, −16, 5)/12.
   */
  static double[] adamsBashforthWeights(double[] nodes, int i, int order) {
    if (i + 1 < order) {
      throw new IllegalArgumentException(
          "step " + i + " has fewer than " + order + " earlier nodes");
    }
    double h = nodes[i + 1] - nodes[i];
    double[] tau = new double[order];
    for (int k = 0; k < order; k++) {
      tau[k] = nodes[i - k] - nodes[i];
    }
    double[] w = new double[order];
    for (int j = 0; j < order; j++) {
      // coefficients (lowest power first) of Π_{k≠j} (τ − τ_k) / (τ_j − τ_k), τ = t − t_i
      double[] poly = {1};
      double denominator = 1;
      for (int k = 0; k < order; k++) {
        if (k == j) {
          continue;
        }
        double[] next = new double[poly.length + 1];
        for (int p = 0; p < poly.length; p++) {
          next[p] -= tau[k] * poly[p];
          next[p + 1] += poly[p];
        }
        poly = next;
        denominator *= tau[j] - tau[k];
      }
      double integral = 0;
      double power = h;
      for (int p = 0; p < poly.length; p++) {
        integral += poly[p] * power / (p + 1);
        power *= h;
      }
      w[j] = integral / denominator;
    }
    return w;
  }

  /** x += Σ_j w[j]·f_j over the first {@code size} values, summed in double. */
  static void addWeighted(float[] x, int size, double[] w, float[][] f) {
    switch (w.length) {
      case 1:
        for (int k = 0; k < size; k++) {
          x[k] = (float) (x[k] + w[0] * f[0][k]);
        }
        break;
      case 2:
        for (int k = 0; k < size; k++) {
          x[k] = (float) (x[k] + w[0] * f[0][k] + w[1] * f[1][k]);
        }
        break;
      default:
        for (int k = 0; k < size; k++) {
          double sum = x[k];
          for (int j = 0; j < w.length; j++) {
            sum += w[j] * f[j][k];
          }
          x[k] = (float) sum;
        }
    }
  }
}
