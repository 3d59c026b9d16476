package io.flowmatch.training.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.model.FlowModels;

/**
 * Euler sampling straight on a DJL block with NDArrays, the baseline ONNX Runtime is compared with:
 * inference mode ({@code training = false}), autograd off, the state updated in place, each step's
 * temporaries freed with the step's sub-manager (x is lent to it, see below).
 */
public final class DjlEuler {
  private DjlEuler() {}

  /**
   * Integrates from t = 0 to 1 in {@code steps} uniform Euler steps.
   *
   * @param x0 n × prod(sampleShape) floats of noise
   * @return the samples at t = 1 and the time spent in the block's forward
   */
  public static Result sample(
      NDManager manager, Block block, float[] x0, int n, int[] sampleShape, int steps) {
    return sample(manager, block, x0, n, sampleShape, steps, n);
  }

  /**
   * As {@link #sample(NDManager, Block, float[], int, int[], int)}, with each step's forward run on
   * slices of at most {@code callBatch} samples (the rows are independent), as flowmatch's ONNX
   * Runtime field splits its calls.
   */
  public static Result sample(
      NDManager manager,
      Block block,
      float[] x0,
      int n,
      int[] sampleShape,
      int steps,
      int callBatch) {
    if (callBatch < 1) {
      throw new IllegalArgumentException("call batch must be positive, got " + callBatch);
    }
    boolean grad = JniUtils.isGradMode();
    JniUtils.setGradMode(false); // no autograd graph for a pure forward
    try (NDManager run = manager.newSubManager()) {
      ParameterStore store = new ParameterStore(run, false);
      NDArray x = run.create(x0, FlowModels.inputShapes(n, sampleShape)[0]);
      float h = 1f / steps;
      long forwardNanos = 0;
      for (int k = 0; k < steps; k++) {
        try (NDManager step = run.newSubManager()) {
          // PyTorch results join the manager of their first input: lend x to the step so the
          // forward's temporaries (~2 GB per call at batch 256 for the DiT) are freed with it and
          // not held until the solve ends. x goes back to `run` when the step closes.
          x.tempAttach(step);
          NDArray t = step.full(new Shape(n), k * h);
          long start = System.nanoTime();
          NDArray v;
          if (callBatch >= n) {
            v = block.forward(store, new NDList(x, t), false).singletonOrThrow();
          } else {
            NDList parts = new NDList();
            for (int from = 0; from < n; from += callBatch) {
              NDIndex rows = new NDIndex("{}:{}", from, Math.min(n, from + callBatch));
              parts.add(
                  block
                      .forward(store, new NDList(x.get(rows), t.get(rows)), false)
                      .singletonOrThrow());
            }
            v = NDArrays.concat(parts, 0);
          }
          // PyTorch on the CPU is synchronous: v is computed when forward returns
          forwardNanos += System.nanoTime() - start;
          x.addi(v.muli(h));
        }
      }
      return new Result(x.toFloatArray(), forwardNanos);
    } finally {
      JniUtils.setGradMode(grad);
    }
  }

  /** Samples and the nanoseconds spent in forward calls. */
  public record Result(float[] samples, long forwardNanos) {}
}
