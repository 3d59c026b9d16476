package io.flowmatch.inference.jvp;

import java.util.Arrays;

/**
 * Shape and ONNX element type of one tensor of a graph, as seen when the model ran on a probe
 * batch.
 *
 * @param shape the dimensions at the probe's batch size
 * @param elemType ONNX {@code TensorProto.DataType} number, e.g. 1 for float32, 10 for float16
 */
public record TensorType(long[] shape, int elemType) {
  public int rank() {
    return shape.length;
  }

  /** Same dimensions as {@code other}. */
  public boolean sameShape(TensorType other) {
    return Arrays.equals(shape, other.shape);
  }

  @Override
  public String toString() {
    return Arrays.toString(shape) + " type " + elemType;
  }
}
