package io.flowmatch.inference.sampling;

import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.solver.GridSolver;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;

/**
 * The states of a run's samples at every node of a fixed-step solver's grid, time-major as {@code
 * [steps + 1, samples, ...sample shape]} (what {@code --save-trajectory} writes), with the node
 * times beside them. All samples' states go to a {@link Writer} as they are computed (a file, so
 * memory does not grow with the run); the first {@code keep} samples' states are also kept in
 * memory, for drawing their paths.
 *
 * <p>{@link #recording()} gives a solver to hand to {@link Sampler#run}: it integrates exactly as
 * the wrapped solver does (bit-identical final states) and passes each node's states on. The
 * sampler solves its batches one after the other in sample order, so the recording solver numbers
 * samples by counting the ones it has seen.
 */
public final class Trajectory {
  /** The most floats one Java array holds safely: the bound on the states kept in memory. */
  public static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  /**
   * Receives recorded states: {@code count} floats of {@code data} from {@code offset} belong at
   * flat index {@code position} of the {@code [steps + 1, samples, ...]} array.
   */
  public interface Writer {
    void write(long position, float[] data, int offset, int count);
  }

  private final GridSolver solver;
  private final long samples;
  private final int sampleSize;
  private final Writer writer;
  private final int keep;
  private final float[] kept;
  private double[] times;
  private long seen;

  /**
   * @param samples the samples the run integrates; all of them go to {@code writer}
   * @param writer where every state goes, or null to keep only the first {@code keep} samples
   * @param keep how many leading samples to keep in memory (0 for none)
   * @throws IllegalArgumentException when the kept states, (steps + 1)·keep·sampleSize floats,
   *     exceed {@link #MAX_VALUES}
   */
  public Trajectory(GridSolver solver, long samples, int sampleSize, Writer writer, int keep) {
    long values = valueCount(solver.steps(), keep, sampleSize);
    if (values > MAX_VALUES) {
      throw new IllegalArgumentException(
          (solver.steps() + 1)
              + " states × "
              + keep
              + " samples × "
              + sampleSize
              + " values = "
              + values
              + " floats, more than one array holds ("
              + MAX_VALUES
              + ")");
    }
    this.solver = solver;
    this.samples = samples;
    this.sampleSize = sampleSize;
    this.writer = writer;
    this.keep = keep;
    this.kept = new float[(int) values];
  }

  /** Floats a trajectory of these dimensions holds. */
  public static long valueCount(int steps, long samples, int sampleSize) {
    return (steps + 1L) * samples * sampleSize;
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
        int toWrite = writer == null ? 0 : (int) Math.max(0, Math.min(n, samples - first));
        int toKeep = (int) Math.max(0, Math.min(n, keep - first));
        if (toWrite == 0 && toKeep == 0) {
          return solver.solve(field, x, n, t0, t1);
        }
        return solver.solve(
            field,
            x,
            n,
            t0,
            t1,
            (node, t, state, count) -> {
              if (toWrite > 0) {
                writer.write((node * samples + first) * sampleSize, state, 0, toWrite * sampleSize);
              }
              if (toKeep > 0) {
                System.arraycopy(
                    state,
                    0,
                    kept,
                    (int) ((node * (long) keep + first) * sampleSize),
                    toKeep * sampleSize);
              }
            });
      }
    };
  }

  /** Grid nodes: steps + 1. */
  public int nodeCount() {
    return solver.steps() + 1;
  }

  /** Samples of the run (the second dimension of what the writer receives). */
  public long samples() {
    return samples;
  }

  /** The nodes' times (t0 first), known after the first solve. */
  public double[] times() {
    return times == null ? null : times.clone();
  }

  /**
   * The path of kept sample {@code i} through all nodes, for 2-D plots: nodeCount·sampleSize
   * floats.
   */
  public float[] path(int i) {
    if (i < 0 || i >= keep) {
      throw new IndexOutOfBoundsException("sample " + i + " of the " + keep + " kept");
    }
    float[] p = new float[nodeCount() * sampleSize];
    for (int k = 0; k < nodeCount(); k++) {
      System.arraycopy(kept, (k * keep + i) * sampleSize, p, k * sampleSize, sampleSize);
    }
    return p;
  }
}
