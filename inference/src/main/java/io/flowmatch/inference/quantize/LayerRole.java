package io.flowmatch.inference.quantize;

/**
 * Where a weight layer (MatMul or Gemm with a constant 2-D weight) sits in a velocity model, found
 * from the graph alone so that any contract model can be quantised.
 */
public enum LayerRole {
  /** Its input does not depend on {@code x}: the time embedding and conditioning (adaLN) layers. */
  TIME("time"),
  /** Depends on {@code x} with no other x-dependent weight layer before it: the input layer. */
  FIRST("first"),
  /** Depends on {@code x} with no x-dependent weight layer after it: the output layer. */
  LAST("last"),
  /** Every other weight layer. */
  INNER("inner");

  private final String label;

  LayerRole(String label) {
    this.label = label;
  }

  /** The name used in recipes and on the command line. */
  public String label() {
    return label;
  }
}
