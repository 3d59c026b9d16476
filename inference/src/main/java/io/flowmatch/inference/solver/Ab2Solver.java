package io.flowmatch.inference.solver;

/**
 * Adams–Bashforth 2 on any grid: x_{i+1} = x_i + h_i·((1 + r/2)·f_i − (r/2)·f_{i−1}) with r =
 * h_i/h_{i−1}; an Euler first step. Order 2, one model call per step (NFE = steps).
 */
public final class Ab2Solver extends AdamsBashforthSolver {
  public static final String NAME = "ab2";

  public Ab2Solver(int steps, String grid) {
    super(NAME, 2, steps, grid);
  }
}
