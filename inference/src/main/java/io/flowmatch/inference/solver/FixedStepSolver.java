package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;

/**
 * A hand-written explicit Runge–Kutta method on float arrays over a {@link TimeGrid}.
 *
 * <p>The work arrays are allocated once per solve; the step loop allocates nothing. Stage states
 * are combined in double and rounded to float once per stage, so the state carries one float
 * rounding per step.
 */
abstract class FixedStepSolver implements GridSolver {
  private final String name;
  private final int steps;
  private final String grid;

  FixedStepSolver(String name, int steps, String grid) {
    if (steps < 1) {
      throw new IllegalArgumentException(name + ": steps must be a positive integer, got " + steps);
    }
    TimeGrid.check(grid, steps);
    this.name = name;
    this.steps = steps;
    this.grid = grid;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final int steps() {
    return steps;
  }

  public final String grid() {
    return grid;
  }

  /** Model evaluations per step and sample, once the method is started. */
  public abstract int evaluationsPerStep();

  /**
   * Model evaluations per sample of a whole solve: steps times {@link #evaluationsPerStep()}, plus
   * what a multistep method's start costs.
   */
  public int evaluations() {
    return steps * evaluationsPerStep();
  }

  /** How many float arrays of the batch's size {@link #step} needs. */
  abstract int workArrays();

  /**
   * Advances {@code x} (n samples) from t to t + h.
   *
   * @param work {@link #workArrays()} arrays of {@code n·sampleSize} floats, contents undefined
   */
  abstract void step(FieldCalls field, float[] x, int n, double t, double h, float[][] work);

  /**
   * Advances {@code x} from {@code nodes[i]} to {@code nodes[i + 1]}. One-step methods take one
   * {@link #step}; multistep methods override this to see the whole grid and the step's index
   * (their history lives in the work arrays, so the solver itself keeps no state between steps).
   */
  void advance(FieldCalls field, float[] x, int n, double[] nodes, int i, float[][] work) {
    step(field, x, n, nodes[i], nodes[i + 1] - nodes[i], work);
  }

  @Override
  public final SolveResult solve(VelocityField field, float[] x, int n, double t0, double t1) {
    return solve(field, x, n, t0, t1, null);
  }

  @Override
  public final double[] nodes(double t0, double t1) {
    return TimeGrid.nodes(grid, steps, t0, t1);
  }

  @Override
  public final SolveResult solve(
      VelocityField field, float[] x, int n, double t0, double t1, NodeObserver observer) {
    SolveArguments.check(name, field, x, n, t0, t1);
    FieldCalls calls = new FieldCalls(name, field, n);
    if (n == 0 || t0 == t1) {
      if (observer != null) {
        // a zero-length solve still has its grid: every node holds the initial state
        double[] nodes = nodes(t0, t1);
        for (int i = 0; i <= steps; i++) {
          observer.atNode(i, nodes[i], x, n);
        }
      }
      return calls.result(0, 0);
    }
    double[] nodes = nodes(t0, t1);
    int size = n * calls.sampleSize();
    float[][] work = new float[workArrays()][size];
    if (observer != null) {
      observer.atNode(0, nodes[0], x, n);
    }
    for (int i = 0; i < steps; i++) {
      advance(calls, x, n, nodes, i, work);
      if (observer != null) {
        observer.atNode(i + 1, nodes[i + 1], x, n);
      }
    }
    return calls.result(steps, 0);
  }

  @Override
  public String toString() {
    return name + "(steps=" + steps + ", grid=" + grid + ")";
  }
}
