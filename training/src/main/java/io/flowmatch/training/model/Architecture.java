package io.flowmatch.training.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * One velocity-network architecture: what training needs to build it and what export needs to write
 * it. Each architecture lives in its own package under {@code training.arch} (e.g. {@code
 * training.arch.dit}): its spec record declares the architecture as a constant built with {@link
 * #of}, and the registry {@code training.arch.Architectures} lists that constant on one line.
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
  Set<OpClass> heavyOps();

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

  /**
   * An architecture from its parts, e.g. {@code Architecture.of(DitSpec.DEFAULTS,
   * DitVelocityNet::new, DitGraph::add, Set.of(OpClass.MATMUL, OpClass.NORM))}; its name is {@code
   * defaults.type()} and its spec type the class of {@code defaults}.
   */
  @SuppressWarnings("unchecked")
  static <S extends ModelSpec> Architecture<S> of(
      S defaults,
      BiFunction<S, int[], Block> newBlock,
      GraphWriter<S> graphWriter,
      Set<OpClass> heavyOps) {
    return new Parts<>(
        defaults.type(),
        (Class<S>) defaults.getClass(),
        defaults,
        newBlock,
        graphWriter,
        Set.copyOf(heavyOps));
  }

  /** The architecture {@link #of} builds. */
  record Parts<S extends ModelSpec>(
      String name,
      Class<S> specType,
      S defaults,
      BiFunction<S, int[], Block> blockFactory,
      GraphWriter<S> graphWriter,
      Set<OpClass> heavyOps)
      implements Architecture<S> {
    @Override
    public Block newBlock(S spec, int[] sampleShape) {
      return blockFactory.apply(spec, sampleShape);
    }
  }
}
