package io.flowmatch.inference.solver;

/**
 * Adams–Bashforth 3 on any grid, started by one Heun step and one AB2 step. Order 3; NFE = steps +
 * 1 (the Heun start's second call).
 */
public final class Ab3Solver extends AdamsBashforthSolver {
  public static final String NAME = "ab3";

  public Ab3Solver(int steps, String grid) {
    super(NAME, 3, steps, grid);
  }
}
