package io.flowmatch.training.data;

/** Points (or any small float vectors) stored row after row. */
final class PointData implements TrainingData {
  private final String name;
  private final float[] values;
  private final int dim;
  private final double[] range;

  PointData(String name, float[] values, int dim, double[] range) {
    this.name = name;
    this.values = values;
    this.dim = dim;
    this.range = range.clone();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int size() {
    return values.length / dim;
  }

  @Override
  public int[] sampleShape() {
    return new int[] {dim};
  }

  @Override
  public double[] range() {
    return range.clone();
  }

  @Override
  public void copySample(int index, float[] dst, int offset) {
    System.arraycopy(values, index * dim, dst, offset, dim);
  }
}
