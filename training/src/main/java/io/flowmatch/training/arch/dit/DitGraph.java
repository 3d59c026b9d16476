package io.flowmatch.training.arch.dit;

import static io.flowmatch.training.export.onnx.GraphOps.linearOnRows;
import static io.flowmatch.training.export.onnx.GraphOps.linearOverTokens;
import static io.flowmatch.training.export.onnx.GraphOps.linearSliceOverTokens;
import static io.flowmatch.training.export.onnx.GraphOps.reshape;
import static io.flowmatch.training.export.onnx.GraphOps.silu;
import static io.flowmatch.training.export.onnx.GraphOps.transpose;

import ai.djl.nn.Block;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.training.export.onnx.GraphOps;
import io.flowmatch.training.export.onnx.TimeEmbeddingGraph;
import io.flowmatch.training.model.GraphWriter;

/**
 * ONNX graph of {@link DitVelocityNet}, node for node: patchify (Reshape/Transpose), patch
 * embedding, fixed positions, time MLP, adaLN-Zero blocks with multi-head attention, final adaLN,
 * unpatchify. LayerNorm and softmax run in float32 inside float16 graphs.
 */
public final class DitGraph {
  private DitGraph() {}

  /** See {@link GraphWriter#add}. */
  public static String add(
      OnnxGraphBuilder g,
      Block block,
      DitSpec spec,
      int[] sampleShape,
      String x,
      String t,
      int elemType) {
    DitVelocityNet net = GraphWriter.expectBlock(block, DitVelocityNet.class, "dit");
    GraphWriter.expectSampleShape(net.sampleShape(), sampleShape, "dit");
    int c = sampleShape[0];
    int p = spec.patchSize();
    int rows = net.patchRows();
    int cols = net.patchCols();
    int tokens = net.tokens();
    int dim = spec.width();

    String xp = reshape(g, x, -1, c, rows, p, cols, p);
    xp = transpose(g, xp, 0, 2, 4, 1, 3, 5);
    xp = reshape(g, xp, -1, tokens, (long) c * p * p);
    String h = linearOverTokens(g, xp, net.patchEmbed(), tokens, elemType, "patch_embed");
    String pos = g.weights("pos_embed", elemType, net.positionTable(), 1, tokens, dim);
    h = g.node("Add", new String[] {h, pos});

    String temb = TimeEmbeddingGraph.add(g, t, spec.timeEmbedDim(), elemType, "time_embed");
    String cond = silu(g, linearOnRows(g, temb, net.timeIn(), elemType, "time_in"));
    cond = linearOnRows(g, cond, net.timeOut(), elemType, "time_out");
    String cs = silu(g, cond);

    int i = 0;
    for (DitBlock b : net.blocks()) {
      h = block(g, h, cs, b, tokens, elemType, "block" + i++);
    }

    String[] mod =
        chunks(g, linearOnRows(g, cs, net.finalModulation(), elemType, "final_modulation"), 2);
    h =
        modulate(
            g,
            GraphOps.layerNormNoAffine(g, h, dim, DitBlock.LN_EPS, elemType),
            mod[0],
            mod[1],
            elemType);
    String out = linearOverTokens(g, h, net.finalLinear(), tokens, elemType, "final_linear");
    out = reshape(g, out, -1, rows, cols, c, p, p);
    out = transpose(g, out, 0, 3, 1, 4, 2, 5);
    return reshape(g, out, -1, c, sampleShape[1], sampleShape[2]);
  }

  private static String block(
      OnnxGraphBuilder g, String h, String cs, DitBlock b, int tokens, int elemType, String name) {
    int dim = b.width();
    int heads = b.heads();
    int headDim = dim / heads;
    String[] mod =
        chunks(g, linearOnRows(g, cs, b.modulation(), elemType, name + ".modulation"), 6);

    // attention branch: q, k and v as three Gemms on slices of the qkv weights (1/√d folded into
    // q), each reshaped straight into its head layout; one fused [N, L, 3, H, d] transpose plus
    // Split and Squeezes cost ORT an extra copy of all three
    String a =
        modulate(
            g,
            GraphOps.layerNormNoAffine(g, h, dim, DitBlock.LN_EPS, elemType),
            mod[0],
            mod[1],
            elemType);
    float scale = (float) (1 / Math.sqrt(headDim));
    String q =
        heads(
            g,
            linearSliceOverTokens(g, a, b.qkv(), 0, dim, scale, tokens, elemType, name + ".q"),
            tokens,
            heads,
            headDim,
            0,
            2,
            1,
            3); // [N, H, L, d]
    String k =
        heads(
            g,
            linearSliceOverTokens(g, a, b.qkv(), dim, 2 * dim, 1f, tokens, elemType, name + ".k"),
            tokens,
            heads,
            headDim,
            0,
            2,
            3,
            1); // [N, H, d, L]
    String v =
        heads(
            g,
            linearSliceOverTokens(
                g, a, b.qkv(), 2 * dim, 3 * dim, 1f, tokens, elemType, name + ".v"),
            tokens,
            heads,
            headDim,
            0,
            2,
            1,
            3); // [N, H, L, d]
    String weights = GraphOps.softmax(g, g.node("MatMul", new String[] {q, k}), elemType);
    String o = g.node("MatMul", new String[] {weights, v}); // [N, H, L, d]
    o = reshape(g, transpose(g, o, 0, 2, 1, 3), -1, tokens, dim);
    o = linearOverTokens(g, o, b.proj(), tokens, elemType, name + ".proj");
    h = g.node("Add", new String[] {h, g.node("Mul", new String[] {mod[2], o})});

    // MLP branch
    String m =
        modulate(
            g,
            GraphOps.layerNormNoAffine(g, h, dim, DitBlock.LN_EPS, elemType),
            mod[3],
            mod[4],
            elemType);
    m = linearOverTokens(g, m, b.fc1(), tokens, elemType, name + ".fc1");
    m =
        linearOverTokens(
            g, GraphOps.gelu(g, m, elemType), b.fc2(), tokens, elemType, name + ".fc2");
    return g.node("Add", new String[] {h, g.node("Mul", new String[] {mod[5], m})});
  }

  /** [N, L, H·d] → [N, L, H, d] → transposed by {@code perm}. */
  private static String heads(
      OnnxGraphBuilder g, String x, int tokens, int heads, int headDim, long... perm) {
    return transpose(g, reshape(g, x, -1, tokens, heads, headDim), perm);
  }

  /** Splits [N, k·D] into k tensors [N, 1, D] that broadcast over tokens. */
  private static String[] chunks(OnnxGraphBuilder g, String x, int k) {
    String[] parts = split(g, x, 1, k);
    String axis1 = g.longs(g.fresh("axes1"), new long[] {1}, 1);
    for (int i = 0; i < k; i++) {
      parts[i] = g.node("Unsqueeze", new String[] {parts[i], axis1});
    }
    return parts;
  }

  private static String[] split(OnnxGraphBuilder g, String x, long axis, int k) {
    String[] outs = new String[k];
    for (int i = 0; i < k; i++) {
      outs[i] = g.fresh("split");
    }
    g.nodeMulti(
        "Split",
        "",
        new String[] {x},
        outs,
        OnnxGraphBuilder.attr("axis", axis),
        OnnxGraphBuilder.attr("num_outputs", (long) k));
    return outs;
  }

  /** x·(1 + scale) + shift. */
  private static String modulate(
      OnnxGraphBuilder g, String x, String shift, String scale, int elemType) {
    String one = g.scalar(g.fresh("one"), elemType, 1f);
    String s = g.node("Add", new String[] {scale, one});
    return g.node("Add", new String[] {g.node("Mul", new String[] {x, s}), shift});
  }
}
