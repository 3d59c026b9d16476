package io.flowmatch.training.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.flowmatch.inference.error.FlowmatchException;

/**
 * Creates the velocity network of a {@link ModelSpec}. Every network takes {@code NDList(x, t)} —
 * x [N, ...sampleShape] in the working type, t [N] float32 — and returns {@code NDList(v)} with v
 * shaped and typed like x. Initialise with {@code block.initialize(manager, DataType.FLOAT32,
 * inputShapes(N, sampleShape))}.
 */
public final class FlowModels {
  private FlowModels() {}

  /** Builds an uninitialised block. */
  public static Block create(ModelSpec spec, int[] sampleShape) {
    switch (spec.type()) {
      case "mlp":
        return new MlpVelocityNet(spec, sampleShape);
      case "unet":
        return UNetVelocityNet.forSampleShape(spec, sampleShape);
      case "dit":
        return new DitVelocityNet(spec, sampleShape);
      default:
        throw FlowmatchException.invalidArgument(
            "unknown model '" + spec.type() + "', expected one of " + String.join(", ", ModelSpec.TYPES));
    }
  }

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
