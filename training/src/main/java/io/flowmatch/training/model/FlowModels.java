package io.flowmatch.training.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Shapes and sizes shared by the velocity networks. Every network takes {@code NDList(x, t)} — x
 * [N, ...sampleShape] in the working type, t [N] float32 — and returns {@code NDList(v)} with v
 * shaped and typed like x. Blocks are built by their architecture ({@code
 * training.arch.Architectures.newBlock}); initialise with {@code block.initialize(manager,
 * DataType.FLOAT32, inputShapes(N, sampleShape))}.
 */
public final class FlowModels {
  private FlowModels() {}

  /** The input shapes {@code [N, ...sampleShape]} and {@code [N]} for initialisation. */
  public static Shape[] inputShapes(long batch, int[] sampleShape) {
    long[] dims = new long[sampleShape.length + 1];
    dims[0] = batch;
    for (int i = 0; i < sampleShape.length; i++) {
      dims[i + 1] = sampleShape[i];
    }
    return new Shape[] {new Shape(dims), new Shape(batch)};
  }

  /** Number of trainable scalars of an initialised block. */
  public static long parameterCount(Block block) {
    long n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      n += p.getValue().getArray().size();
    }
    return n;
  }
}
