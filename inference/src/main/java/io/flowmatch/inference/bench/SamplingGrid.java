package io.flowmatch.inference.bench;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.perf.FlopCounter;
import io.flowmatch.inference.perf.MatmulPeak;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolveResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The sampling benchmark grid: for every batch size, every open field (a model on a provider with a
 * thread count) and every solver setting, the median over {@code repeats} solves of one batch of
 * Gaussian noise. Within a batch size the solves are interleaved round-robin over fields and
 * solvers, so FP32 vs FP16 and 1 vs 2 threads are measured side by side under the same load. Batch
 * sizes run one after the other: a field keeps tensors for only a few batch sizes, and making new
 * ones inside the timed part would be measured as model time.
 */
public final class SamplingGrid {
  private SamplingGrid() {}

  /**
   * An open field and what it is; {@code peak} times the matmul peak at the field's thread count in
   * the same rounds as the field's solves, or is null where no peak applies (GPU providers).
   */
  public record Target(
      String label,
      OnnxVelocityField field,
      java.nio.file.Path file,
      int threads,
      MatmulPeak.Probe peak) {}

  /**
   * One measured cell.
   *
   * @param nfe mean model evaluations per sample
   * @param samplesPerSecond batch / median wall time of a solve
   * @param msPerCall median over solves of (model time / model calls)
   * @param outsideShare median of (solve − model time) over the median solve time
   * @param denseFlopsPerCall MatMul/Gemm/Conv FLOPs of one call at this batch size (−1: unknown)
   * @param gflops achieved dense GFLOP/s inside the model: FLOPs × calls / median model time
   * @param peakGflops matmul peak at this thread count: the fastest of the peak runs interleaved
   *     with the whole grid (NaN: none)
   * @param efficiency gflops over peakGflops (NaN: none)
   * @param error why the cell has no figures, or null
   */
  public record Row(
      Target target,
      int batch,
      SolverSpec solver,
      double nfe,
      double samplesPerSecond,
      double msPerCall,
      double outsideShare,
      long denseFlopsPerCall,
      double gflops,
      double peakGflops,
      double efficiency,
      String error) {}

  /**
   * Runs the grid.
   *
   * @param solvesDone told the number of solves done (warm-ups included) after each one; the grid
   *     makes {@code batches × targets × solvers × (repeats + 1)} of them
   */
  public static List<Row> run(
      List<Target> targets,
      int[] batches,
      List<SolverSpec> solvers,
      int repeats,
      LongConsumer solvesDone) {
    long solves = 0;
    List<Row> rows = new ArrayList<>();
    // fastest peak run per probe over the whole grid: the machine's peak, as little disturbed by
    // other processes as this run saw it
    Map<MatmulPeak.Probe, Long> fastestPeak = new java.util.IdentityHashMap<>();
    for (int batch : batches) {
      long[] flops = new long[targets.size()];
      for (int f = 0; f < targets.size(); f++) {
        flops[f] = denseFlops(targets.get(f), batch);
      }
      int cells = targets.size() * solvers.size();
      long[][] total = new long[cells][repeats];
      long[][] model = new long[cells][repeats];
      double[][] perCall = new double[cells][repeats];
      SolveResult[] last = new SolveResult[cells];
      String[] error = new String[cells];
      Map<Integer, float[]> noise = new java.util.HashMap<>();
      java.util.Set<MatmulPeak.Probe> probes =
          java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (Target t : targets) {
        if (t.peak() != null) {
          probes.add(t.peak());
        }
      }
      // one warm-up solve per cell (JIT, ORT's first-run allocations), then the timed rounds
      for (int r = -1; r < repeats; r++) {
        for (MatmulPeak.Probe p : probes) {
          fastestPeak.merge(p, timePeak(p), Math::min);
        }
        for (int f = 0; f < targets.size(); f++) {
          OnnxVelocityField field = targets.get(f).field();
          float[] x0 = noise.computeIfAbsent(field.sampleSize(), size -> gaussian(batch, size));
          float[] x = new float[x0.length];
          for (int s = 0; s < solvers.size(); s++) {
            int c = f * solvers.size() + s;
            if (error[c] != null) {
              continue;
            }
            solvesDone.accept(++solves);
            OdeSolver solver = solvers.get(s).create();
            System.arraycopy(x0, 0, x, 0, x.length);
            long start = System.nanoTime();
            SolveResult result;
            try {
              result = solver.solve(field, x, batch, 0, 1);
            } catch (FlowmatchException e) {
              if (e.kind() != ErrorKind.NUMERIC) {
                throw e;
              }
              error[c] = e.getMessage();
              continue;
            }
            long elapsed = System.nanoTime() - start;
            if (r >= 0) {
              total[c][r] = elapsed;
              model[c][r] = result.modelNanos();
              perCall[c][r] = result.modelNanos() / 1e6 / Math.max(1, result.modelCalls());
              last[c] = result;
            }
          }
        }
      }
      for (int f = 0; f < targets.size(); f++) {
        Target target = targets.get(f);
        for (int s = 0; s < solvers.size(); s++) {
          int c = f * solvers.size() + s;
          if (error[c] != null) {
            rows.add(
                new Row(
                    target,
                    batch,
                    solvers.get(s),
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    flops[f],
                    Double.NaN,
                    Double.NaN,
                    Double.NaN,
                    error[c]));
            continue;
          }
          double wall = median(total[c]);
          double inModel = median(model[c]);
          long[] outside = new long[repeats];
          for (int r = 0; r < repeats; r++) {
            outside[r] = total[c][r] - model[c][r];
          }
          double gflops =
              flops[f] < 0 ? Double.NaN : flops[f] * (double) last[c].modelCalls() / inModel;
          rows.add(
              new Row(
                  target,
                  batch,
                  solvers.get(s),
                  last[c].meanNfe(),
                  batch / (wall / 1e9),
                  median(perCall[c]),
                  median(outside) / wall,
                  flops[f],
                  gflops,
                  Double.NaN,
                  Double.NaN,
                  null));
        }
      }
    }
    List<Row> withPeak = new ArrayList<>();
    for (Row r : rows) {
      Long fastest = r.target().peak() == null ? null : fastestPeak.get(r.target().peak());
      double peak = fastest == null ? Double.NaN : r.target().peak().flops() / (double) fastest;
      withPeak.add(
          new Row(
              r.target(),
              r.batch(),
              r.solver(),
              r.nfe(),
              r.samplesPerSecond(),
              r.msPerCall(),
              r.outsideShare(),
              r.denseFlopsPerCall(),
              r.gflops(),
              peak,
              r.gflops() / peak,
              r.error()));
    }
    return withPeak;
  }

  private static long timePeak(MatmulPeak.Probe probe) {
    try {
      return probe.runOnce();
    } catch (ai.onnxruntime.OrtException e) {
      throw new FlowmatchException(
          ErrorKind.UNSUPPORTED, "matmul peak run failed: " + e.getMessage(), e);
    }
  }

  private static long denseFlops(Target target, int batch) {
    try {
      return FlopCounter.count(target.file(), batch).denseFlops();
    } catch (java.io.IOException | IllegalArgumentException e) {
      return -1; // a graph the counter cannot read: the row shows no GFLOP/s
    }
  }

  private static float[] gaussian(int batch, int size) {
    float[] x = new float[batch * size];
    new GaussianNoise(0).fill(0, batch, size, x);
    return x;
  }

  public static double median(long[] values) {
    long[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
  }

  public static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
  }
}
