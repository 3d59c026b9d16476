package io.flowmatch.training.arch;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.flowmatch.training.export.onnx.GraphWriter;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.model.ModelSpec;

/**
 * One velocity-network architecture: what training needs to build it and what export needs to write
 * it. A new architecture is its spec record, its block, its graph writer and an implementation of
 * this interface, plus one line in {@link Architectures}.
 *
 * @param <S> the architecture's spec record
 */
public interface Architecture<S extends ModelSpec> {
  /** The name used on the command line, in {@code config.json} and in model metadata. */
  String name();

  /** The spec record class, read from and written to {@code config.json}. */
  Class<S> specType();

  /** Sensible sizes on a 2-core CPU (what {@code train --model NAME} uses). */
  S defaults();

  /**
   * An uninitialised block for samples of {@code sampleShape}.
   *
   * @throws io.flowmatch.inference.error.FlowmatchException (INVALID_ARGUMENT) for a spec or shape
   *     the architecture cannot build
   */
  Block newBlock(S spec, int[] sampleShape);

  /**
   * The op classes a training step of this architecture spends its time in: {@code --precision
   * fp16} trains in float16 only when all of them pay on the device.
   */
  java.util.Set<io.flowmatch.training.precision.OpClass> heavyOps();

  /** The writer of the ONNX graph of a trained block. */
  GraphWriter<S> graphWriter();

  /** Number of trainable scalars of the block {@code spec} builds for {@code sampleShape}. */
  default long parameterCount(S spec, int[] sampleShape) {
    Block block = newBlock(spec, sampleShape);
    try (NDManager manager = NDManager.newBaseManager()) {
      block.initialize(manager, DataType.FLOAT32, FlowModels.inputShapes(1, sampleShape));
      return FlowModels.parameterCount(block);
    }
  }

  /** {@code spec} as this architecture's record, or a one-line error naming what it got. */
  default S cast(ModelSpec spec) {
    if (!specType().isInstance(spec)) {
      throw new IllegalArgumentException(
          name()
              + ": expected a "
              + specType().getSimpleName()
              + ", got "
              + (spec == null ? "null" : spec.getClass().getSimpleName()));
    }
    return specType().cast(spec);
  }
}
