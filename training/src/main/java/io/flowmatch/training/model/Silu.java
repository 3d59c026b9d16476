package io.flowmatch.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

/** SiLU (swish with β = 1): x·σ(x), written as such so the ONNX Sigmoid·Mul pair matches it. */
public final class Silu {
  private Silu() {}

  /** {@code x·σ(x)}, element by element. */
  public static NDArray apply(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }
}
