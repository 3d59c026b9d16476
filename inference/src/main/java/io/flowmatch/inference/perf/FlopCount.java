package io.flowmatch.inference.perf;

import java.util.Map;

/**
 * Floating-point work of one model call, counted from its ONNX graph by {@link FlopCounter}.
 *
 * <p>A multiply-add counts as 2 FLOPs. {@code denseFlops} is the work of MatMul, Gemm and Conv
 * (bias additions included) — what a matmul peak can be compared with. {@code elementwiseOps} is
 * one per output element of every other arithmetic node (activations, additions, normalisations,
 * softmax); nodes that only move data (Reshape, Transpose, Concat, Cast, …) count nothing.
 *
 * @param batch the batch size the graph was evaluated at
 * @param denseFlops FLOPs of MatMul, Gemm and Conv nodes
 * @param elementwiseOps operations of the other arithmetic nodes
 * @param denseByOp dense FLOPs per op type (MatMul, Gemm, Conv)
 * @param largestTensorElements elements of the largest tensor any node writes (the working set's
 *     biggest piece, which decides whether one call's activations stay in cache)
 */
public record FlopCount(
    long batch,
    long denseFlops,
    long elementwiseOps,
    Map<String, Long> denseByOp,
    long largestTensorElements) {
  public FlopCount {
    denseByOp = Map.copyOf(denseByOp);
  }

  /** Dense FLOPs per sample. */
  public double denseFlopsPerSample() {
    return batch == 0 ? 0 : (double) denseFlops / batch;
  }
}
