package io.flowmatch.training.arch.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.flowmatch.training.autograd.ScalarOps;
import io.flowmatch.training.model.GroupNorm;

/**
 * Multi-head self-attention over the H·W positions of an [N, C, H, W] feature map, with a residual:
 *
 * <pre>
 *   q, k, v = split(qkv(norm(x)))            1×1 conv C → 3C, each [N·heads, C/heads, H·W]
 *   a = softmax((q/√d)ᵀ·k, last axis)        [N·heads, H·W, H·W]
 *   out = x + proj(v·aᵀ)                     1×1 conv C → C
 * </pre>
 *
 * <p>q is scaled before the product so float16 scores stay small. PyTorch's CPU softmax of float16
 * input accumulates in float32; the ONNX export casts the scores to float32 around Softmax.
 */
public final class SelfAttention2d extends AbstractBlock {
  private final int channels;
  private final int heads;
  private final GroupNorm norm;
  private final Conv2d qkv;
  private final Conv2d proj;

  public SelfAttention2d(int channels, int heads, int groups) {
    if (heads < 1 || channels % heads != 0) {
      throw new IllegalArgumentException(
          "attention: " + channels + " channels do not split into " + heads + " heads");
    }
    this.channels = channels;
    this.heads = heads;
    norm = addChildBlock("norm", new GroupNorm(groups));
    qkv = addChildBlock("qkv", ResidualBlock.conv1x1(3 * channels));
    proj = addChildBlock("proj", ResidualBlock.conv1x1(channels));
  }

  public int channels() {
    return channels;
  }

  public int heads() {
    return heads;
  }

  public GroupNorm norm() {
    return norm;
  }

  /** 1×1 convolution to queries, keys and values, stacked along channels in that order. */
  public Conv2d qkv() {
    return qkv;
  }

  /** 1×1 output projection. */
  public Conv2d proj() {
    return proj;
  }

  /** The factor applied to the queries: 1/√(channels per head). */
  public float queryScale() {
    return (float) (1.0 / Math.sqrt(channels / heads));
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    if (inputShapes[0].get(1) != channels) {
      throw new IllegalArgumentException(
          "attention: expected " + channels + " channels, got shape " + inputShapes[0]);
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    norm.initialize(manager, dataType, inputShapes[0]);
    qkv.initialize(manager, dataType, inputShapes[0]);
    proj.initialize(manager, dataType, inputShapes[0]);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape shape = x.getShape();
    long n = shape.get(0);
    long positions = shape.get(2) * shape.get(3);
    long headDim = channels / heads;
    NDArray h = norm.forward(store, new NDList(x), training).singletonOrThrow();
    NDList qkvParts =
        qkv.forward(store, new NDList(h), training)
            .singletonOrThrow()
            .reshape(n, 3, heads, headDim, positions)
            .split(3, 1);
    NDArray q =
        ScalarOps.times(qkvParts.get(0).reshape(n * heads, headDim, positions), queryScale());
    NDArray k = qkvParts.get(1).reshape(n * heads, headDim, positions);
    NDArray v = qkvParts.get(2).reshape(n * heads, headDim, positions);
    NDArray attention = q.transpose(0, 2, 1).batchMatMul(k).softmax(-1);
    NDArray mixed = v.batchMatMul(attention.transpose(0, 2, 1)).reshape(shape);
    return new NDList(x.add(proj.forward(store, new NDList(mixed), training).singletonOrThrow()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
