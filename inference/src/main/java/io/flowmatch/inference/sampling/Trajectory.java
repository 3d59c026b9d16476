package io.flowmatch.inference.sampling;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.solver.GridSolver;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;

/**
 * The states of the first {@code keep} samples at every node of a fixed-step solver's grid, laid
 * out time-major as {@code [steps + 1, keep, ...sample shape]} (what {@code --save-trajectory}
 * writes), with the node times beside them.
 *
 * <p>{@link #recording()} gives a solver to hand to {@link Sampler#run}: it integrates exactly as
 * the wrapped solver does (bit-identical final states) and copies each node's states in. The
 * sampler solves its batches one after the other in sample order, so the recording solver numbers
 * samples by counting the ones it has seen.
 */
public final class Trajectory {
  /** The most floats one Java array holds safely. */
  public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private final GridSolver solver;
  private final int keep;
  private final int sampleSize;
  private final float[] states;
  private double[] times;
  private long seen;

  /**
   * @param keep how many samples (the first ones) to record
   * @throws IllegalArgumentException when (steps + 1)·keep·sampleSize floats exceed {@link
   *     #MAX_VALUES}
   */
  public Trajectory(GridSolver solver, int keep, int sampleSize) {
    long values = valueCount(solver.steps(), keep, sampleSize);
    if (values > MAX_VALUES) {
      throw new IllegalArgumentException(
          (solver.steps() + 1) + " states × " + keep + " samples × " + sampleSize + " values = " + values
              + " floats, more than one array holds (" + MAX_VALUES + ")");
    }
    this.solver = solver;
    this.keep = keep;
    this.sampleSize = sampleSize;
    this.states = new float[(int) values];
  }

  /** Floats a trajectory of these dimensions holds. */
  public static long valueCount(int steps, int keep, int sampleSize) {
    return (steps + 1L) * keep * sampleSize;
  }

  /** The solver to integrate with: the wrapped one, recording as it goes. */
  public OdeSolver recording() {
    return new OdeSolver() {
      @Override
      public String name() {
        return solver.name();
      }

      @Override
      public SolveResult solve(VelocityField field, float[] x, int n, double t0, double t1) {
        long first = seen;
        seen += n;
        if (times == null) {
          times = solver.nodes(t0, t1);
        }
        if (first >= keep) {
          return solver.solve(field, x, n, t0, t1);
        }
        int m = (int) Math.min(n, keep - first);
        return solver.solve(
            field, x, n, t0, t1,
            (node, t, state, count) ->
                System.arraycopy(state, 0, states, (int) ((node * (long) keep + first) * sampleSize), m * sampleSize));
      }
    };
  }

  /** Grid nodes: steps + 1. */
  public int nodeCount() {
    return solver.steps() + 1;
  }

  /** Samples recorded per node. */
  public int samples() {
    return keep;
  }

  /** The states, [nodeCount, samples, ...sample shape] flattened; complete once the run is done. */
  public float[] states() {
    return states;
  }

  /** The nodes' times (t0 first), known after the first solve. */
  public double[] times() {
    return times == null ? null : times.clone();
  }

  /** The path of sample {@code i} through all nodes, for 2-D plots: nodeCount·sampleSize floats. */
  public float[] path(int i) {
    float[] p = new float[nodeCount() * sampleSize];
    for (int k = 0; k < nodeCount(); k++) {
      System.arraycopy(states, (k * keep + i) * sampleSize, p, k * sampleSize, sampleSize);
    }
    return p;
  }
}
