package io.flowmatch.training.export.onnx;

import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.training.model.SinusoidalTimeEmbedding;

/**
 * ONNX nodes for {@link SinusoidalTimeEmbedding}: computed in float32, cast to the working type.
 */
public final class TimeEmbeddingGraph {
  private TimeEmbeddingGraph() {}

  /**
   * Adds the embedding of {@code t} (float32 [N]) and returns the name of the [N, dim] tensor of
   * element type {@code elemType}.
   */
  public static String add(OnnxGraphBuilder g, String t, int dim, int elemType, String prefix) {
    String freqs =
        g.floats(prefix + ".freqs", SinusoidalTimeEmbedding.scaledFrequencies(dim), 1, dim / 2);
    String axes = g.longs(prefix + ".axes1", new long[] {1}, 1);
    String t2 = g.node("Unsqueeze", new String[] {t, axes});
    String args = g.node("Mul", new String[] {t2, freqs});
    String sin = g.node("Sin", new String[] {args});
    String cos = g.node("Cos", new String[] {args});
    String emb = g.node("Concat", new String[] {sin, cos}, OnnxGraphBuilder.attr("axis", 1L));
    if (elemType == OnnxGraphBuilder.FLOAT) {
      return emb;
    }
    return g.node("Cast", new String[] {emb}, OnnxGraphBuilder.attr("to", (long) elemType));
  }
}
