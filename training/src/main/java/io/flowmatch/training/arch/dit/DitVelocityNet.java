package io.flowmatch.training.arch.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.model.SinusoidalTimeEmbedding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A patch transformer velocity network in the style of DiT (Peebles &amp; Xie, 2023), for image
 * samples [C, H, W].
 *
 * <pre>
 *   x [N,C,H,W] → patches [N, L, C·p·p] → Linear → + fixed 2-D sin-cos positions   (L = H·W/p²)
 *   t [N]       → sinusoidal(timeEmbedDim) → Linear → SiLU → Linear → c [N, D]
 *   depth × DitBlock(h, SiLU(c))                        (adaLN-Zero conditioning)
 *   final: LN(h)·(1 + scale) + shift with (shift, scale) = Linear(SiLU(c)) → Linear → unpatchify
 * </pre>
 *
 * <p>Patchify and unpatchify are reshape/transpose, so the patch embedding is a matmul, not a
 * convolution (matmul is what this CPU and GPUs run fastest). Every modulation layer and the final
 * projection start at zero, so a fresh network outputs v = 0 and each block is the identity.
 *
 * <p>Works on a float16 working copy: LayerNorm and softmax go through PyTorch kernels that keep
 * their statistics in float32, the time embedding is computed in float32, and no activation is cast
 * with {@code toType} (which DJL's autograd does not record).
 *
 * <p>Forward: {@code NDList(x [N,C,H,W], t [N] float32)} → {@code NDList(v [N,C,H,W])}.
 */
public final class DitVelocityNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final DitSpec spec;
  private final int channels;
  private final int height;
  private final int width;
  private final int patch;
  private final int rows;
  private final int cols;
  private final int dim;
  private final Linear patchEmbed;
  private final Linear timeIn;
  private final Linear timeOut;
  private final List<DitBlock> blocks = new ArrayList<>();
  private final Linear finalModulation;
  private final Linear finalLinear;
  private final float[] positions;

  /**
   * @param spec type {@code dit}; width = embedding size D (multiple of 4 and of heads), depth =
   *     blocks, heads, patchSize, timeEmbedDim
   * @param sampleShape [C, H, W] with H and W multiples of the patch size
   */
  public DitVelocityNet(DitSpec spec, int[] sampleShape) {
    super(VERSION);
    validate(spec, sampleShape);
    this.spec = spec;
    channels = sampleShape[0];
    height = sampleShape[1];
    width = sampleShape[2];
    patch = spec.patchSize();
    rows = height / patch;
    cols = width / patch;
    dim = spec.width();
    positions = SinCosPositionEmbedding.table(dim, rows, cols);

    // Glorot-uniform weights as in DiT: DJL's magnitude m gives bound sqrt(m / ((in + out) / 2)).
    Initializer glorot =
        new XavierInitializer(
            XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3f);
    patchEmbed = addChildBlock("patch_embed", DitBlock.linear(dim, glorot));
    timeIn = addChildBlock("time_in", DitBlock.linear(dim, glorot));
    timeOut = addChildBlock("time_out", DitBlock.linear(dim, glorot));
    for (int i = 0; i < spec.depth(); i++) {
      blocks.add(addChildBlock("block" + i, new DitBlock(dim, spec.heads(), tokens(), glorot)));
    }
    finalModulation =
        addChildBlock("final_modulation", DitBlock.linear(2 * dim, Initializer.ZEROS));
    finalLinear =
        addChildBlock("final_linear", DitBlock.linear(patch * patch * channels, Initializer.ZEROS));
  }

  private static void validate(DitSpec spec, int[] shape) {
    int p = spec.patchSize();
    if (shape.length != 3 || p <= 0 || shape[1] % p != 0 || shape[2] % p != 0) {
      throw FlowmatchException.invalidArgument(
          "dit: sample shape must be [C, H, W] with H and W multiples of the patch size "
              + p
              + ", got "
              + Arrays.toString(shape));
    }
    if (spec.depth() < 1
        || spec.heads() < 1
        || spec.width() % spec.heads() != 0
        || spec.width() % 4 != 0) {
      throw FlowmatchException.invalidArgument(
          "dit: width must be a multiple of 4 and of heads, depth and heads positive, got width "
              + spec.width()
              + ", heads "
              + spec.heads()
              + ", depth "
              + spec.depth());
    }
    if (spec.timeEmbedDim() < 2 || spec.timeEmbedDim() % 2 != 0) {
      throw FlowmatchException.invalidArgument(
          "dit: time embedding size must be even and ≥ 2, got " + spec.timeEmbedDim());
    }
  }

  public DitSpec spec() {
    return spec;
  }

  /** One sample's shape [C, H, W]. */
  public int[] sampleShape() {
    return new int[] {channels, height, width};
  }

  /** Number of patches L. */
  public int tokens() {
    return rows * cols;
  }

  public int patchRows() {
    return rows;
  }

  public int patchCols() {
    return cols;
  }

  /** The fixed position table [L, D] (row-major), a copy. */
  public float[] positionTable() {
    return positions.clone();
  }

  public Linear patchEmbed() {
    return patchEmbed;
  }

  public Linear timeIn() {
    return timeIn;
  }

  public Linear timeOut() {
    return timeOut;
  }

  public List<DitBlock> blocks() {
    return Collections.unmodifiableList(blocks);
  }

  public Linear finalModulation() {
    return finalModulation;
  }

  public Linear finalLinear() {
    return finalLinear;
  }

  /** Total number of weights (after initialisation). */
  public long parameterCount() {
    long n = 0;
    for (var p : getParameters()) {
      n += p.getValue().getArray().getShape().size();
    }
    return n;
  }

  /** One line: architecture, sizes and parameter count (after initialisation). */
  public String summary() {
    return String.format(
        "dit: %d blocks, width %d, %d heads, patch %d (%d tokens), time embedding %d, %,d parameters",
        spec.depth(), dim, spec.heads(), patch, tokens(), spec.timeEmbedDim(), parameterCount());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray t = inputs.get(1);
    DataType type = x.getDataType();
    NDManager m = x.getManager();

    NDArray h = patchEmbed.forward(ps, new NDList(patchify(x)), training).head();
    NDArray pos = m.create(positions, new Shape(1, tokens(), dim));
    h = h.add(type == DataType.FLOAT32 ? pos : pos.toType(type, false)); // a constant: no grad

    NDArray temb = SinusoidalTimeEmbedding.embed(t, spec.timeEmbedDim(), type);
    NDArray c = timeIn.forward(ps, new NDList(temb), training).head();
    c = timeOut.forward(ps, new NDList(silu(c)), training).head();
    NDArray cs = silu(c);

    for (DitBlock b : blocks) {
      h = b.forward(ps, new NDList(h, cs), training).head();
    }
    NDList mod = finalModulation.forward(ps, new NDList(cs), training).head().split(2, 1);
    h =
        DitBlock.modulate(
            DitBlock.layerNorm(h, dim), mod.get(0).expandDims(1), mod.get(1).expandDims(1));
    NDArray out = finalLinear.forward(ps, new NDList(h), training).head();
    return new NDList(unpatchify(out));
  }

  static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  /** [N, C, H, W] → [N, L, C·p·p], patches row-major, features ordered (c, dy, dx). */
  NDArray patchify(NDArray x) {
    return x.reshape(-1, channels, rows, patch, cols, patch)
        .transpose(0, 2, 4, 1, 3, 5)
        .reshape(-1, tokens(), (long) channels * patch * patch);
  }

  /** The inverse of {@link #patchify}. */
  NDArray unpatchify(NDArray y) {
    return y.reshape(-1, rows, cols, channels, patch, patch)
        .transpose(0, 3, 1, 4, 2, 5)
        .reshape(-1, channels, height, width);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    long n = x.get(0);
    if (x.dimension() != 4 || x.get(1) != channels || x.get(2) != height || x.get(3) != width) {
      throw FlowmatchException.invalidArgument(
          "dit: built for samples " + Arrays.toString(sampleShape()) + ", initialised with " + x);
    }
    patchEmbed.initialize(
        manager, dataType, new Shape(n, tokens(), (long) channels * patch * patch));
    timeIn.initialize(manager, dataType, new Shape(n, spec.timeEmbedDim()));
    timeOut.initialize(manager, dataType, new Shape(n, dim));
    for (DitBlock b : blocks) {
      b.initialize(manager, dataType, new Shape(n, tokens(), dim), new Shape(n, dim));
    }
    finalModulation.initialize(manager, dataType, new Shape(n, dim));
    finalLinear.initialize(manager, dataType, new Shape(n, tokens(), dim));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
