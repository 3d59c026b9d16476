package io.flowmatch.training.data;

/**
 * A finite data set held in memory, read by index. Samples are float vectors in the model's layout
 * (e.g. 2 for points, 1×28×28 for images), already scaled to {@link #range()}.
 */
public interface TrainingData {

  /** The data set's name as given on the command line, e.g. {@code moons}. */
  String name();

  /** Number of samples. */
  int size();

  /** Shape of one sample without the batch dimension, e.g. {2} or {1, 28, 28}. */
  int[] sampleShape();

  /** Lower and upper bound the samples lie in (for previews and the model metadata). */
  double[] range();

  /** Copies sample {@code index} into {@code dst} starting at {@code offset}. */
  void copySample(int index, float[] dst, int offset);

  /** Number of floats in one sample. */
  default int sampleSize() {
    int n = 1;
    for (int d : sampleShape()) {
      n *= d;
    }
    return n;
  }

  /** Gathers samples into one flat array, sample after sample. */
  default float[] gather(int[] indices) {
    int d = sampleSize();
    float[] out = new float[indices.length * d];
    for (int i = 0; i < indices.length; i++) {
      copySample(indices[i], out, i * d);
    }
    return out;
  }
}
