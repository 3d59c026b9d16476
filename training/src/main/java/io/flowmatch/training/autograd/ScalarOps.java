package io.flowmatch.training.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Multiplication and division by a constant that stay correct under autograd.
 *
 * <p>DJL 0.36's {@code NDArray.mul(Number)} and {@code div(Number)} on PyTorch build the constant
 * with {@code manager.create(n)}, whose tensor borrows the memory of a Java direct {@code
 * ByteBuffer} ({@code from_blob}), and close it right after the product. Autograd keeps that tensor
 * for the backward pass (d(x·s)/dx = s), but nothing keeps the buffer: once the garbage collector
 * frees it, backward reads whatever now lies there, and every gradient upstream is silently scaled
 * by garbage (seen as a flaky float16 gradient test on a loaded machine). Here the constant is made
 * by {@code full}, so PyTorch owns its memory and the graph's reference keeps it alive.
 *
 * <p>The constant is a float32 scalar (0-d), exactly what {@code mul(float)} used: a 0-d tensor
 * does not promote a float16 operand, so the result type is unchanged.
 */
public final class ScalarOps {
  private ScalarOps() {}

  /** x·s, differentiable in x. */
  public static NDArray times(NDArray x, double s) {
    try (NDArray c = constant(x, s)) {
      return x.mul(c);
    }
  }

  /** x/s, differentiable in x. */
  public static NDArray dividedBy(NDArray x, double s) {
    try (NDArray c = constant(x, s)) {
      return x.div(c);
    }
  }

  private static NDArray constant(NDArray x, double s) {
    return x.getManager()
        .full(new Shape(), (float) s, DataType.FLOAT32)
        .toDevice(x.getDevice(), false);
  }
}
