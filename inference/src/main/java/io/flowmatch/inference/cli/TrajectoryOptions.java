package io.flowmatch.inference.cli;

import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyHeader;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.sampling.Trajectory;
import io.flowmatch.inference.solver.GridSolver;
import io.flowmatch.inference.solver.OdeSolver;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * {@code --save-trajectory} and {@code --paths} of sample and decode (a picocli mixin): the states at
 * every grid time of a fixed-step solver, saved as .npy and/or drawn as paths on a 2-D scatter plot.
 */
public final class TrajectoryOptions {
  private static final int PATH_RGB = 0xd62728;

  @Option(
      names = "--save-trajectory",
      paramLabel = "FILE.npy",
      description = "Write the states at every grid time of a fixed-step solver as float32 [K+1, N, ...data shape],"
          + " and the K+1 times as float64 to FILE.times.npy.")
  Path saveTrajectory;

  @Option(
      names = "--paths",
      paramLabel = "P",
      description = "2-D models: draw the trajectories of the first P samples on the PNG scatter plot"
          + " (fixed-step solvers; default: 0).")
  int paths;

  /**
   * Checks that need no model.
   *
   * @param png the PNG being written, or null
   * @return the solver as a grid solver when recording is wanted, else null
   */
  GridSolver check(OdeSolver solver, Path png) {
    SampleCommand.requireExtension("--save-trajectory", saveTrajectory, ".npy", "");
    if (paths < 0) {
      throw new UsageException("--paths must be a non-negative integer, got " + paths);
    }
    if (paths > 0 && png == null) {
      throw new UsageException("--paths draws on the --out scatter plot; give --out FILE.png");
    }
    if (saveTrajectory == null && paths == 0) {
      return null;
    }
    if (!(solver instanceof GridSolver grid)) {
      throw new UsageException(
          (saveTrajectory != null ? "--save-trajectory" : "--paths") + " needs a fixed-step solver (euler, heun, midpoint, rk4),"
              + " got " + solver.name() + ", whose steps are not known in advance");
    }
    return grid;
  }

  /**
   * The recorder for a run of {@code count} samples, or null when none is wanted: all samples when
   * the trajectory is saved, else only the ones drawn as paths.
   */
  Trajectory create(GridSolver grid, int[] shape, int count) {
    if (grid == null) {
      return null;
    }
    if (paths > 0 && !Pictures.isPoint2d(shape)) {
      throw new UsageException("--paths draws 2-D trajectories, this model's samples have shape " + Arrays.toString(shape));
    }
    int sampleSize = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    int keep = saveTrajectory != null ? count : Math.min(paths, count);
    long values = Trajectory.valueCount(grid.steps(), keep, sampleSize);
    if (values > Trajectory.MAX_VALUES) {
      throw new UsageException(
          "--save-trajectory: " + (grid.steps() + 1) + " states × " + keep + " samples × " + sampleSize + " values = " + values
              + " floats, more than fit in memory (at most " + Trajectory.MAX_VALUES + "); use fewer --n or --steps");
    }
    return new Trajectory(grid, keep, sampleSize);
  }

  /** The paths to draw over the scatter plot, or null. */
  SampleFiles.Overlay overlay(Trajectory trajectory, int count) {
    int drawn = trajectory == null ? 0 : Math.min(paths, count);
    if (drawn == 0) {
      return null;
    }
    return new SampleFiles.Overlay() {
      @Override
      public float[] points() {
        // every node of every drawn path, so that fitted bounds show whole paths
        float[] all = new float[drawn * trajectory.nodeCount() * 2];
        for (int i = 0; i < drawn; i++) {
          float[] p = trajectory.path(i);
          System.arraycopy(p, 0, all, i * p.length, p.length);
        }
        return all;
      }

      @Override
      public void draw(BufferedImage img, ScatterPlot.Bounds bounds) {
        for (int i = 0; i < drawn; i++) {
          ScatterPlot.drawPath(img, bounds, trajectory.path(i), trajectory.nodeCount(), PATH_RGB);
        }
      }
    };
  }

  /** Writes the trajectory and its times when asked to; each file appears whole or not at all. */
  void write(Trajectory trajectory, int[] shape) {
    if (saveTrajectory == null) {
      return;
    }
    int[] full = SampleCommand.withBatch(trajectory.nodeCount(), SampleCommand.withBatch(trajectory.samples(), shape));
    try {
      Npy.write(saveTrajectory, full, trajectory.states());
      Npy.writeDoubles(timesFile(saveTrajectory), trajectory.times());
    } catch (IOException e) {
      throw new FailureException("cannot write --save-trajectory " + saveTrajectory + ": " + IoMessages.of(e), e);
    }
  }

  /** The "wrote …" line, when a trajectory was saved. */
  void printWritten(PrintWriter stdout, Trajectory trajectory, int[] shape) {
    if (saveTrajectory == null) {
      return;
    }
    int n = trajectory.samples();
    stdout.println("wrote " + saveTrajectory + " (" + trajectory.nodeCount() + " states of " + n + " samples, shape "
        + NpyHeader.shapeString(SampleCommand.withBatch(trajectory.nodeCount(), SampleCommand.withBatch(n, shape)))
        + ", float32) and " + timesFile(saveTrajectory) + " (" + trajectory.nodeCount() + " times, float64)");
  }

  /** FILE.npy → FILE.times.npy, in the same folder. */
  static Path timesFile(Path trajectoryFile) {
    String name = trajectoryFile.getFileName().toString();
    return trajectoryFile.resolveSibling(name.substring(0, name.length() - ".npy".length()) + ".times.npy");
  }
}
