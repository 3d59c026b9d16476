package io.flowmatch.training.precision;

/**
 * The op classes whose speed decides whether float16 pays: the ones that dominate a training step.
 * Each has a small probe workload in {@link HalfPrecisionProbe}.
 */
public enum OpClass {
  /** Matrix products: linear layers, attention. */
  MATMUL("matmul"),
  /** 2-D convolutions. */
  CONV("conv"),
  /** Layer and group normalisation. */
  NORM("norm");

  private final String label;

  OpClass(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
