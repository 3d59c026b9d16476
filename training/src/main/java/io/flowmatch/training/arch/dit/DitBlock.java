package io.flowmatch.training.arch.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.flowmatch.training.autograd.ScalarOps;

/**
 * One DiT transformer block with adaLN-Zero time conditioning.
 *
 * <p>Forward takes {@code NDList(h, c)} with tokens h [N, L, D] and the activated condition c =
 * SiLU(time MLP) [N, D], and returns h [N, L, D]:
 *
 * <pre>
 *   shift1, scale1, gate1, shift2, scale2, gate2 = split(modulation(c), 6)
 *   h = h + gate1 · Attention(LN(h)·(1 + scale1) + shift1)
 *   h = h + gate2 · MLP(LN(h)·(1 + scale2) + shift2)        MLP: D → 4D → GELU → D
 * </pre>
 *
 * The modulation layer starts at zero, so each block starts as the identity (adaLN-Zero).
 */
public final class DitBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  /** Hidden width of the MLP relative to the block width. */
  public static final int MLP_RATIO = 4;

  /** LayerNorm epsilon, shared with the exporter. */
  public static final float LN_EPS = 1e-6f;

  private final int width;
  private final int heads;
  private final int tokens;
  private final Linear modulation;
  private final Linear qkv;
  private final Linear proj;
  private final Linear fc1;
  private final Linear fc2;

  DitBlock(int width, int heads, int tokens, Initializer weights) {
    super(VERSION);
    this.width = width;
    this.heads = heads;
    this.tokens = tokens;
    modulation = addChildBlock("modulation", linear(6 * width, Initializer.ZEROS));
    qkv = addChildBlock("qkv", linear(3 * width, weights));
    proj = addChildBlock("proj", linear(width, weights));
    fc1 = addChildBlock("fc1", linear(MLP_RATIO * width, weights));
    fc2 = addChildBlock("fc2", linear(width, weights));
  }

  static Linear linear(int units, Initializer init) {
    Linear l = Linear.builder().setUnits(units).build();
    l.setInitializer(init, Parameter.Type.WEIGHT);
    l.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
    return l;
  }

  public int width() {
    return width;
  }

  public int heads() {
    return heads;
  }

  public Linear modulation() {
    return modulation;
  }

  public Linear qkv() {
    return qkv;
  }

  public Linear proj() {
    return proj;
  }

  public Linear fc1() {
    return fc1;
  }

  public Linear fc2() {
    return fc2;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = inputs.get(0);
    NDArray c = inputs.get(1);
    NDList mod = modulation.forward(ps, new NDList(c), training).head().split(6, 1);
    NDArray shift1 = mod.get(0).expandDims(1);
    NDArray scale1 = mod.get(1).expandDims(1);
    NDArray gate1 = mod.get(2).expandDims(1);
    NDArray shift2 = mod.get(3).expandDims(1);
    NDArray scale2 = mod.get(4).expandDims(1);
    NDArray gate2 = mod.get(5).expandDims(1);

    NDArray a = attention(ps, modulate(layerNorm(h, width), shift1, scale1), training);
    h = h.add(gate1.mul(a));
    NDArray m = modulate(layerNorm(h, width), shift2, scale2);
    m = fc1.forward(ps, new NDList(m), training).head();
    m = fc2.forward(ps, new NDList(Activation.gelu(m)), training).head();
    return new NDList(h.add(gate2.mul(m)));
  }

  private NDArray attention(ParameterStore ps, NDArray h, boolean training) {
    int headDim = width / heads;
    NDArray qkvOut = qkv.forward(ps, new NDList(h), training).head(); // [N, L, 3D]
    NDList parts =
        qkvOut.reshape(-1, tokens, 3, heads, headDim).transpose(2, 0, 3, 1, 4).split(3, 0);
    NDArray q = ScalarOps.times(parts.get(0).squeeze(0), 1.0 / Math.sqrt(headDim)); // [N, H, L, hd]
    NDArray k = parts.get(1).squeeze(0);
    NDArray v = parts.get(2).squeeze(0);
    // PyTorch's CPU softmax accumulates half inputs in float32 (NDArray.toType would cut autograd)
    NDArray weights = q.matMul(k.transpose(0, 1, 3, 2)).softmax(-1); // [N, H, L, L]
    NDArray o = weights.matMul(v).transpose(0, 2, 1, 3).reshape(-1, tokens, width);
    return proj.forward(ps, new NDList(o), training).head();
  }

  /** x·(1 + scale) + shift, the adaLN modulation. */
  static NDArray modulate(NDArray x, NDArray shift, NDArray scale) {
    return x.mul(scale.add(1f)).add(shift);
  }

  /**
   * LayerNorm over the last axis without learned scale/shift (adaLN supplies them). PyTorch's
   * kernel keeps the statistics of half inputs in float32; gamma/beta are fixed ones/zeros.
   */
  static NDArray layerNorm(NDArray x, int dim) {
    NDManager m = x.getManager();
    DataType type = x.getDataType();
    NDArray gamma = m.ones(new Shape(dim), type);
    NDArray beta = m.zeros(new Shape(dim), type);
    return x.getNDArrayInternal().layerNorm(x, new Shape(dim), gamma, beta, LN_EPS).head();
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long n = inputShapes[0].get(0);
    Shape tokenShape = new Shape(n, tokens, width);
    modulation.initialize(manager, dataType, new Shape(n, width));
    qkv.initialize(manager, dataType, tokenShape);
    proj.initialize(manager, dataType, tokenShape);
    fc1.initialize(manager, dataType, tokenShape);
    fc2.initialize(manager, dataType, new Shape(n, tokens, MLP_RATIO * width));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
