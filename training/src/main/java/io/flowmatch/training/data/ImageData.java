package io.flowmatch.training.data;

import io.flowmatch.inference.dataset.IdxImages;

/**
 * An image data set for training: the pixel bytes of an IDX file (a quarter of the memory of
 * floats), scaled to [-1, 1] as each sample is copied out.
 */
public final class ImageData implements TrainingData {
  private final String name;
  private final IdxImages.Pixels pixels;

  public ImageData(String name, IdxImages.Pixels pixels) {
    this.name = name;
    this.pixels = pixels;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int size() {
    return pixels.count();
  }

  @Override
  public int[] sampleShape() {
    return pixels.sampleShape();
  }

  @Override
  public double[] range() {
    return new double[] {-1, 1};
  }

  @Override
  public void copySample(int index, float[] dst, int offset) {
    pixels.copyScaled(index, dst, offset, -1, 1);
  }
}
