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

/**
 * Doubles height and width by nearest-neighbour repetition (output pixel (i, j) copies input
 * (⌊i/2⌋, ⌊j/2⌋)), then mixes with a 3×3 convolution. Unlike a transposed convolution it has no
 * checkerboard artefacts, and 7 → 14 → 28 needs no output padding.
 */
public final class Upsample2x extends AbstractBlock {
  /** DJL's interpolation mode code for nearest neighbour (PyTorch engine). */
  private static final int NEAREST = 0;

  private final Conv2d conv;

  public Upsample2x(int channels) {
    conv = addChildBlock("conv", ResidualBlock.conv3x3(channels, 1));
  }

  public Conv2d conv() {
    return conv;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    conv.initialize(manager, dataType, doubled(inputShapes[0]));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    NDArray up =
        x.getNDArrayInternal()
            .interpolation(new long[] {2 * s.get(2), 2 * s.get(3)}, NEAREST, false);
    return conv.forward(store, new NDList(up), training);
  }

  private static Shape doubled(Shape s) {
    return new Shape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return conv.getOutputShapes(new Shape[] {doubled(inputShapes[0])});
  }
}
