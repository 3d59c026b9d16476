package io.flowmatch.training.arch.mlp;

import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.training.export.onnx.GraphOps;
import io.flowmatch.training.export.onnx.TimeEmbeddingGraph;
import io.flowmatch.training.model.GraphWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * ONNX graph of {@link MlpVelocityNet}: the flattened x concatenated with the sinusoidal time
 * embedding, Linear + SiLU per hidden layer, a final Linear, reshaped back to the sample's shape.
 */
public final class MlpGraph {
  private MlpGraph() {}

  /** See {@link GraphWriter#add}. */
  public static String add(
      OnnxGraphBuilder g,
      Block block,
      MlpSpec spec,
      int[] sampleShape,
      String x,
      String t,
      int elemType) {
    MlpVelocityNet net = GraphWriter.expectBlock(block, MlpVelocityNet.class, "mlp");
    GraphWriter.expectSampleShape(net.sampleShape(), sampleShape, "mlp");
    // children in order: hidden0 … hidden(depth−1), out (MlpVelocityNet documents this order)
    List<Linear> layers = new ArrayList<>();
    for (var child : block.getChildren()) {
      if (!(child.getValue() instanceof Linear linear)) {
        throw new IllegalArgumentException(
            "mlp export: unexpected child "
                + child.getKey()
                + " ("
                + child.getValue().getClass().getSimpleName()
                + ")");
      }
      layers.add(linear);
    }
    if (layers.size() != spec.depth() + 1) {
      throw new IllegalArgumentException(
          "mlp export: expected "
              + (spec.depth() + 1)
              + " layers for depth "
              + spec.depth()
              + ", found "
              + layers.size());
    }

    String flat = GraphOps.reshape(g, x, -1, net.inputSize());
    String emb = TimeEmbeddingGraph.add(g, t, spec.timeEmbedDim(), elemType, "time_embed");
    String h = g.node("Concat", new String[] {flat, emb}, OnnxGraphBuilder.attr("axis", 1L));
    boolean half = elemType != OnnxGraphBuilder.FLOAT;
    if (half) {
      // [1, N, F] once for the whole network: why, and why not per layer, see GraphOps.linearOnRows
      h = g.node("Unsqueeze", new String[] {h, g.longs(g.fresh("axes0"), new long[] {0}, 1)});
    }
    for (int i = 0; i < layers.size() - 1; i++) {
      h = GraphOps.silu(g, GraphOps.linear(g, h, layers.get(i), elemType, "hidden" + i));
    }
    String v = GraphOps.linear(g, h, layers.get(layers.size() - 1), elemType, "out");
    if (half) {
      v = g.node("Squeeze", new String[] {v, g.longs(g.fresh("axes0"), new long[] {0}, 1)});
    }
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = -1;
    for (int i = 0; i < sampleShape.length; i++) {
      shape[i + 1] = sampleShape[i];
    }
    return GraphOps.reshape(g, v, shape);
  }
}
