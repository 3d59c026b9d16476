package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;

/**
 * A solver that steps over a time grid fixed before the solve (Euler, Heun, midpoint, RK4), and can
 * therefore report the state at every grid node: what {@code --save-trajectory} records.
 */
public interface GridSolver extends OdeSolver {

  /** Receives the state at each grid node, in order: node 0 is t0, node {@code steps} is t1. */
  interface NodeObserver {
    /**
     * @param node index of the grid node, 0..steps
     * @param t the node's time
     * @param x the n states at t (n·sampleSize floats; read it now, the solver keeps writing it)
     * @param n number of samples
     */
    void atNode(int node, double t, float[] x, int n);
  }

  /** Steps of the grid. */
  int steps();

  /**
   * The {@code steps + 1} times at which {@link #solve(VelocityField, float[], int, double, double,
   * NodeObserver)} reports states, t0 first and t1 last.
   */
  double[] nodes(double t0, double t1);

  /**
   * Integrates in place exactly as {@link #solve(VelocityField, float[], int, double, double)} does
   * (bit-identical results) and reports the state at every grid node.
   */
  SolveResult solve(
      VelocityField field, float[] x, int n, double t0, double t1, NodeObserver observer);
}
