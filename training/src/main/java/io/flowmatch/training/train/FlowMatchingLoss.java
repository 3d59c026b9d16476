package io.flowmatch.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.autograd.ScalarOps;
import io.flowmatch.training.precision.MixedPrecisionModel;

/**
 * The conditional flow-matching loss, mean over all elements of (v(x_t, t) − u)², and its backward
 * pass through the working copy.
 */
public final class FlowMatchingLoss {
  private FlowMatchingLoss() {}

  /**
   * Clears the gradients, runs forward and backward of {@code lossScale · MSE} in the working
   * precision, and returns the unscaled loss computed in float32.
   *
   * @param xt network input, float32 [N, ...]
   * @param t times, float32 [N]
   * @param target velocity target, float32, like xt
   * @param lossScale multiplier of the loss for the backward pass (1 in float32)
   */
  public static float backward(
      MixedPrecisionModel model,
      ParameterStore store,
      NDArray xt,
      NDArray t,
      NDArray target,
      double lossScale) {
    DataType work = model.precision().workingType();
    NDArray xw = xt.toType(work, false);
    NDArray uw = target.toType(work, false);
    long n = xt.size();
    model.zeroGradients();
    NDArray v;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      v = model.working().forward(store, new NDList(xw, t), true).singletonOrThrow();
      // scale before the reduction, (scale/n)·Σ(v−u)²: a float16 mean would first shrink the
      // gradient by 1/n into float16's subnormal range
      NDArray scaled = ScalarOps.times(v.sub(uw).square().sum(), (float) (lossScale / n));
      gc.backward(scaled);
    }
    try (NDArray v32 = v.toType(DataType.FLOAT32, true);
        NDArray mse = v32.sub(target).square().mean()) {
      return mse.getFloat();
    }
  }
}
