package io.flowmatch.training.arch.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.flowmatch.training.model.GroupNorm;
import io.flowmatch.training.model.Silu;

/**
 * The U-Net's residual block with time conditioning:
 *
 * <pre>
 *   h = conv1(silu(norm1(x))) + timeProj(e)[:, :, None, None]
 *   out = skip(x) + conv2(silu(norm2(h)))
 * </pre>
 *
 * where {@code e} is the already SiLU-activated time embedding [N, E] and {@code skip} is a 1×1
 * convolution when the channel count changes, the identity otherwise.
 *
 * <p>Forward input: {@code NDList(x [N, Cin, H, W], e [N, E])}; output {@code NDList(out [N, Cout,
 * H, W])}.
 */
public final class ResidualBlock extends AbstractBlock {
  private final int inChannels;
  private final int outChannels;
  private final GroupNorm norm1;
  private final Conv2d conv1;
  private final Linear timeProj;
  private final GroupNorm norm2;
  private final Conv2d conv2;
  private final Conv2d skip;

  public ResidualBlock(int inChannels, int outChannels, int groups) {
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    norm1 = addChildBlock("norm1", new GroupNorm(groups));
    conv1 = addChildBlock("conv1", conv3x3(outChannels, 1));
    timeProj = addChildBlock("time", Linear.builder().setUnits(outChannels).build());
    norm2 = addChildBlock("norm2", new GroupNorm(groups));
    conv2 = addChildBlock("conv2", conv3x3(outChannels, 1));
    skip = inChannels == outChannels ? null : addChildBlock("skip", conv1x1(outChannels));
  }

  /** A 3×3 convolution with "same" padding and the given stride. */
  static Conv2d conv3x3(int filters, int stride) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .optStride(new Shape(stride, stride))
        .setFilters(filters)
        .build();
  }

  /** A 1×1 convolution. */
  static Conv2d conv1x1(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
  }

  public int outChannels() {
    return outChannels;
  }

  public GroupNorm norm1() {
    return norm1;
  }

  public Conv2d conv1() {
    return conv1;
  }

  /** Projects the time embedding to one shift per output channel. */
  public Linear timeProj() {
    return timeProj;
  }

  public GroupNorm norm2() {
    return norm2;
  }

  public Conv2d conv2() {
    return conv2;
  }

  /** The 1×1 skip convolution, or null when input and output channels agree. */
  public Conv2d skip() {
    return skip;
  }

  public int inChannels() {
    return inChannels;
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    if (inputShapes[0].get(1) != inChannels) {
      throw new IllegalArgumentException(
          "residual block: expected "
              + inChannels
              + " input channels, got shape "
              + inputShapes[0]);
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    Shape h = new Shape(x.get(0), outChannels, x.get(2), x.get(3));
    norm1.initialize(manager, dataType, x);
    conv1.initialize(manager, dataType, x);
    timeProj.initialize(manager, dataType, inputShapes[1]);
    norm2.initialize(manager, dataType, h);
    conv2.initialize(manager, dataType, h);
    if (skip != null) {
      skip.initialize(manager, dataType, x);
    }
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray e = inputs.get(1);
    NDArray h = norm1.forward(store, new NDList(x), training).singletonOrThrow();
    h = conv1.forward(store, new NDList(Silu.apply(h)), training).singletonOrThrow();
    NDArray shift = timeProj.forward(store, new NDList(e), training).singletonOrThrow();
    h = h.add(shift.reshape(shift.getShape().get(0), outChannels, 1, 1));
    h = norm2.forward(store, new NDList(h), training).singletonOrThrow();
    h = conv2.forward(store, new NDList(Silu.apply(h)), training).singletonOrThrow();
    NDArray residual =
        skip == null ? x : skip.forward(store, new NDList(x), training).singletonOrThrow();
    return new NDList(residual.add(h));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), outChannels, x.get(2), x.get(3))};
  }
}
