package io.flowmatch.training.model;

import ai.djl.nn.Block;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;

/**
 * Writes the ONNX nodes of one architecture ({@code XxxGraph::add}); each architecture names its
 * writer in {@link Architecture#graphWriter()}.
 *
 * @param <S> the spec record of the architecture
 */
@FunctionalInterface
public interface GraphWriter<S extends ModelSpec> {
  /**
   * Adds the velocity network's nodes and weights.
   *
   * @param g the graph being built
   * @param block the trained DJL block (its parameters are read, never changed)
   * @param spec the architecture the block was built from
   * @param sampleShape shape of one sample without the batch dimension
   * @param x name of the input tensor [N, ...sampleShape], already of type {@code elemType}
   * @param t name of the float32 time tensor [N]
   * @param elemType ONNX element type of weights and activations (FLOAT or FLOAT16)
   * @return name of the velocity tensor, same shape and type as {@code x}
   */
  String add(
      OnnxGraphBuilder g, Block block, S spec, int[] sampleShape, String x, String t, int elemType);

  /**
   * {@code block} as the class an architecture's writer needs, or a one-line error naming what it
   * got, e.g. {@code dit export: expected a DitVelocityNet, got Linear}.
   */
  static <T extends Block> T expectBlock(Block block, Class<T> type, String architecture) {
    if (!type.isInstance(block)) {
      String name = type.getSimpleName();
      String article = "AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
      throw new IllegalArgumentException(
          architecture
              + " export: expected "
              + article
              + name
              + ", got "
              + (block == null ? "null" : block.getClass().getSimpleName()));
    }
    return type.cast(block);
  }

  /** Refuses to write a block for samples of another shape than the one it was built for. */
  static void expectSampleShape(int[] built, int[] given, String architecture) {
    if (!java.util.Arrays.equals(given, built)) {
      throw new IllegalArgumentException(
          architecture
              + " export: the block was built for samples "
              + java.util.Arrays.toString(built)
              + ", not "
              + java.util.Arrays.toString(given));
    }
  }
}
