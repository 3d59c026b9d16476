package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;

/**
 * Integrates dx/dt = v(x, t) for a batch of samples from {@code t0} to {@code t1}.
 *
 * <p>Forward (noise to data) is t0 = 0, t1 = 1; backward (data to noise) is t0 = 1, t1 = 0.
 */
public interface OdeSolver {

  /** Name as used on the command line, e.g. {@code heun} or {@code dopri5}. */
  String name();

  /**
   * Integrates in place.
   *
   * @param field the velocity field
   * @param x n·field.sampleSize() floats: the state at t0 on entry, at t1 on return
   * @param n number of samples in x
   * @param t0 start time
   * @param t1 end time
   * @return evaluation counts and step statistics
   * @throws io.flowmatch.inference.error.NonFiniteException when the field returns NaN/Inf
   * @throws io.flowmatch.inference.error.FlowmatchException of kind NUMERIC when an evaluation
   *     bound is exceeded
   */
  SolveResult solve(VelocityField field, float[] x, int n, double t0, double t1);
}
