package io.flowmatch.training.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import io.flowmatch.inference.bench.SamplingGrid;
import io.flowmatch.inference.field.CallBatch;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.solver.EulerSolver;
import io.flowmatch.inference.solver.SolveResult;
import io.flowmatch.inference.solver.TimeGrid;
import io.flowmatch.training.export.RunExport;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.train.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * ONNX Runtime Java against the DJL PyTorch forward of the training module, same weights, one run:
 * the run's EMA block is loaded into DJL and exported (fp32) to a temporary ONNX file; both then
 * sample the same noise with uniform Euler steps, solves interleaved, medians compared.
 */
public final class OrtVsDjl {
  private OrtVsDjl() {}

  /**
   * The comparison at one thread count.
   *
   * @param ortSamplesPerSecond flowmatch's Euler solver on the ONNX Runtime field
   * @param djlSamplesPerSecond the NDArray Euler loop on the DJL block
   * @param ortMsPerCall median ms per evaluation of the whole batch through ONNX Runtime
   * @param djlMsPerCall median ms per evaluation of the whole batch through DJL forwards
   * @param maxAbsDifference largest |ORT − DJL| over the final samples (same weights ⇒ tiny)
   * @param callBatch most samples per model call, the same for both (batch: one call per step)
   */
  public record Result(
      String model,
      int threads,
      int batch,
      int callBatch,
      int steps,
      double ortSamplesPerSecond,
      double djlSamplesPerSecond,
      double ortMsPerCall,
      double djlMsPerCall,
      double maxAbsDifference) {
    public double ratio() {
      return ortSamplesPerSecond / djlSamplesPerSecond;
    }
  }

  /**
   * Runs the comparison for each thread count in {@code threads}: once with one call of the whole
   * batch per step, and once more, if it differs, with the call size flowmatch picks by default
   * ({@link CallBatch}), DJL's forward split into slices of the same size.
   */
  public static java.util.List<Result> run(
      Path runDir, int[] threads, int batch, int steps, int repeats) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    int[] shape = run.config().sampleShape();
    Path tmpDir = Files.createTempDirectory("flowmatch-bench");
    Path onnx = tmpDir.resolve("ema-fp32.onnx");
    java.util.List<Result> results = new java.util.ArrayList<>();
    int previousThreads = JniUtils.getNumThreads();
    // the process-wide environment at flowmatch's log level before the exporter's parity check
    // would create one at ONNX Runtime's default level (and every later field would warn)
    io.flowmatch.inference.runtime.OrtRuntime.environment();
    try (NDManager manager = NDManager.newBaseManager()) {
      // a scratch model read back at once (no declared output, so it is written now)
      RunExport.export(run, ExportPrecision.FP32, onnx, true);
      Block block = run.loadEmaBlock(manager);
      int size = 1;
      for (int d : shape) {
        size *= d;
      }
      float[] x0 = new float[batch * size];
      new GaussianNoise(0).fill(0, batch, size, x0);
      int auto = Math.min(batch, CallBatch.choose(onnx, "cpu"));
      int[] callBatches = auto == batch ? new int[] {batch} : new int[] {batch, auto};
      for (int t : threads) {
        JniUtils.setNumThreads(t);
        for (int callBatch : callBatches) {
          results.add(
              compare(
                  runDir, manager, block, onnx, x0, shape, t, batch, callBatch, steps, repeats));
        }
      }
    } finally {
      JniUtils.setNumThreads(previousThreads);
      Files.deleteIfExists(onnx);
      Files.deleteIfExists(tmpDir);
    }
    return results;
  }

  /** One thread count and call size: interleaved solves, medians. */
  private static Result compare(
      Path runDir,
      NDManager manager,
      Block block,
      Path onnx,
      float[] x0,
      int[] shape,
      int t,
      int batch,
      int callBatch,
      int steps,
      int repeats) {
    FieldOptions options =
        FieldOptions.defaults().withThreads(t).withMaxBatch(callBatch).withWarnings(line -> {});
    try (OnnxVelocityField field = OnnxVelocityField.open(onnx, options)) {
      EulerSolver euler = new EulerSolver(steps, TimeGrid.UNIFORM);
      long[] ortNanos = new long[repeats];
      long[] djlNanos = new long[repeats];
      double[] ortCall = new double[repeats];
      double[] djlCall = new double[repeats];
      float[] x = new float[x0.length];
      float[] djlSamples = null;
      for (int r = -1; r < repeats; r++) { // r = -1 warms both up
        System.arraycopy(x0, 0, x, 0, x.length);
        long start = System.nanoTime();
        SolveResult s = euler.solve(field, x, batch, 0, 1);
        long ort = System.nanoTime() - start;
        start = System.nanoTime();
        DjlEuler.Result d = DjlEuler.sample(manager, block, x0, batch, shape, steps, callBatch);
        long djl = System.nanoTime() - start;
        if (r >= 0) {
          ortNanos[r] = ort;
          djlNanos[r] = djl;
          ortCall[r] = s.modelNanos() / 1e6 / s.modelCalls();
          djlCall[r] = d.forwardNanos() / 1e6 / s.modelCalls();
        }
        djlSamples = d.samples();
      }
      double diff = 0;
      for (int i = 0; i < x.length; i++) {
        diff = Math.max(diff, Math.abs(x[i] - djlSamples[i]));
      }
      return new Result(
          runDir.toString(),
          t,
          batch,
          callBatch,
          steps,
          batch / (SamplingGrid.median(ortNanos) / 1e9),
          batch / (SamplingGrid.median(djlNanos) / 1e9),
          SamplingGrid.median(ortCall),
          SamplingGrid.median(djlCall),
          diff);
    }
  }
}
