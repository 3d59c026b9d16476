package io.flowmatch.inference.cli;

import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyBlockWriter;
import io.flowmatch.inference.io.NpyHeader;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.sampling.Trajectory;
import io.flowmatch.inference.solver.GridSolver;
import io.flowmatch.inference.solver.OdeSolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --save-trajectory} and {@code --paths} of sample, decode and interpolate (a picocli
 * mixin): the states at every grid time of a fixed-step solver, streamed to a .npy as the batches
 * finish (memory does not grow with the run) and/or drawn as paths on a 2-D scatter plot.
 */
@HelpGroup("Trajectories")
public final class TrajectoryOptions {
  private static final int PATH_RGB = 0xd62728;

  @Option(
      names = "--save-trajectory",
      paramLabel = "FILE.npy",
      description =
          "Write the states at every grid time of a fixed-step solver as float32 [K+1, N, ...data shape]"
              + " (batch by batch: it takes disk, not memory), and the K+1 times as float64 to FILE.times.npy.")
  Path saveTrajectory;

  @Option(
      names = "--paths",
      paramLabel = "P",
      description =
          "2-D models: draw the trajectories of the first P samples on the --out scatter plot"
              + " (fixed-step solvers; default: 0).")
  int paths;

  /**
   * Checks that need no model.
   *
   * @param png the picture being written (PNG or SVG), or null
   * @return the solver as a grid solver when recording is wanted, else null
   */
  GridSolver check(OdeSolver solver, Path png) {
    OptionChecks.extension("--save-trajectory", saveTrajectory, ".npy", "");
    OptionChecks.nonNegative("--paths", paths);
    if (paths > 0 && png == null) {
      throw new UsageException(
          "--paths draws on the --out scatter plot; give --out FILE.png or FILE.svg");
    }
    if (saveTrajectory == null && paths == 0) {
      return null;
    }
    if (!(solver instanceof GridSolver grid)) {
      throw new UsageException(
          (saveTrajectory != null ? "--save-trajectory" : "--paths")
              + " needs a fixed-step solver (euler, heun, midpoint, rk4),"
              + " got "
              + solver.name()
              + ", whose steps are not known in advance");
    }
    return grid;
  }

  /**
   * Starts the recording of a run of {@code count} samples: opens the trajectory file (through a
   * temporary file beside it) when one is to be saved, and keeps the samples drawn as paths.
   *
   * @param grid what {@link #check} returned: null when nothing is recorded
   * @throws UsageException for paths of a model that is not 2-D, more path states than memory
   *     holds, or a trajectory larger than the free space of its folder
   */
  Recording start(GridSolver grid, int[] shape, int count) {
    if (grid == null) {
      return new Recording(null, null, shape);
    }
    if (paths > 0 && !Pictures.isPoint2d(shape)) {
      throw new UsageException(
          "--paths draws 2-D trajectories, this model's samples have shape "
              + Arrays.toString(shape));
    }
    int sampleSize = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    int drawn = Math.min(paths, count);
    long kept = Trajectory.valueCount(grid.steps(), drawn, sampleSize);
    if (kept > Trajectory.MAX_VALUES) {
      throw new UsageException(
          "--paths: "
              + (grid.steps() + 1)
              + " states × "
              + drawn
              + " samples × "
              + sampleSize
              + " values = "
              + kept
              + " floats, more than fit in memory (at most "
              + Trajectory.MAX_VALUES
              + "); use fewer --paths or --steps");
    }
    NpyBlockWriter file = saveTrajectory == null ? null : openFile(grid, shape, count, sampleSize);
    Trajectory.Writer writer =
        file == null
            ? null
            : (position, data, offset, n) -> {
              try {
                file.write(position, data, offset, n);
              } catch (IOException e) {
                throw cannotWrite(e);
              }
            };
    return new Recording(new Trajectory(grid, count, sampleSize, writer, drawn), file, shape);
  }

  private NpyBlockWriter openFile(GridSolver grid, int[] shape, int count, int sampleSize) {
    long values = Trajectory.valueCount(grid.steps(), count, sampleSize);
    long bytes = 4 * values;
    Path folder = existingFolder(saveTrajectory);
    long free;
    try {
      free = Files.getFileStore(folder).getUsableSpace();
    } catch (IOException e) {
      throw cannotWrite(e);
    }
    if (bytes > free) {
      throw new UsageException(
          "--save-trajectory: "
              + (grid.steps() + 1)
              + " states × "
              + count
              + " samples × "
              + sampleSize
              + " values = "
              + values
              + " floats ("
              + gib(bytes)
              + "), more than the "
              + gib(free)
              + " free in "
              + folder
              + "; use fewer --n or --steps");
    }
    try {
      int[] full = SampleCommand.withBatch(grid.steps() + 1, SampleCommand.withBatch(count, shape));
      return NpyBlockWriter.open(saveTrajectory, Arrays.stream(full).asLongStream().toArray());
    } catch (IOException e) {
      throw cannotWrite(e);
    }
  }

  /** The file's folder, or its nearest ancestor that exists (the folder is created on writing). */
  private static Path existingFolder(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    while (dir != null && !Files.isDirectory(dir)) {
      dir = dir.getParent();
    }
    return dir != null ? dir : file.toAbsolutePath().getRoot();
  }

  private static String gib(long bytes) {
    return Numbers.fixed(bytes / (double) (1L << 30), 1) + " GiB";
  }

  private FailureException cannotWrite(IOException e) {
    return new FailureException(
        "cannot write --save-trajectory " + saveTrajectory + ": " + IoMessages.of(e), e);
  }

  /**
   * One run's recording: the solver to integrate with, the paths to draw, and the trajectory file,
   * which appears at {@link #commit()} or not at all (closing without a commit deletes it).
   */
  final class Recording implements AutoCloseable {
    private final Trajectory trajectory;
    private final NpyBlockWriter file;
    private final int[] shape;

    private Recording(Trajectory trajectory, NpyBlockWriter file, int[] shape) {
      this.trajectory = trajectory;
      this.file = file;
      this.shape = shape;
    }

    /** The recording solver, or {@code plain} when nothing is recorded. */
    OdeSolver solver(OdeSolver plain) {
      return trajectory == null ? plain : trajectory.recording();
    }

    /** The paths to draw over the scatter plot, or null. */
    SampleFiles.Overlay overlay() {
      int drawn = trajectory == null ? 0 : (int) Math.min(paths, trajectory.samples());
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
        public void addTo(ScatterPlot plot) {
          for (int i = 0; i < drawn; i++) {
            plot.path(trajectory.path(i), trajectory.nodeCount(), PATH_RGB);
          }
        }
      };
    }

    /**
     * Puts the trajectory and its times in place, when one is saved; call after a successful run.
     */
    void commit() {
      if (file == null) {
        return;
      }
      try {
        file.commit();
        Npy.writeDoubles(timesFile(saveTrajectory), trajectory.times());
      } catch (IOException e) {
        throw cannotWrite(e);
      }
    }

    /** The "wrote …" line, when a trajectory was saved. */
    void printWritten(PrintWriter stdout) {
      if (file == null) {
        return;
      }
      int nodes = trajectory.nodeCount();
      int n = (int) trajectory.samples();
      stdout.println(
          "wrote "
              + saveTrajectory
              + " ("
              + nodes
              + " states of "
              + n
              + " samples, shape "
              + NpyHeader.shapeString(
                  SampleCommand.withBatch(nodes, SampleCommand.withBatch(n, shape)))
              + ", float32) and "
              + timesFile(saveTrajectory)
              + " ("
              + nodes
              + " times, float64)");
    }

    /** Deletes the partial trajectory file unless committed. */
    @Override
    public void close() {
      if (file != null) {
        try {
          file.close();
        } catch (IOException e) {
          // only the temporary file's removal failed; the run's own outcome matters more
        }
      }
    }
  }

  /** Declares --save-trajectory FILE.npy and its FILE.times.npy as outputs of the run. */
  void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(saveTrajectory);
    if (saveTrajectory != null
        && saveTrajectory.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      outputs.file(timesFile(saveTrajectory));
    }
  }

  /** FILE.npy → FILE.times.npy, in the same folder. */
  static Path timesFile(Path trajectoryFile) {
    String name = trajectoryFile.getFileName().toString();
    return trajectoryFile.resolveSibling(
        name.substring(0, name.length() - ".npy".length()) + ".times.npy");
  }
}
