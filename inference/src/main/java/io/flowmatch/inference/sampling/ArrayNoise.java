package io.flowmatch.inference.sampling;

/** Initial states held in memory: sample i is floats [i·size, (i+1)·size) of the array. */
public final class ArrayNoise implements NoiseSource {
  private final float[] data;

  public ArrayNoise(float[] data) {
    this.data = data;
  }

  @Override
  public void fill(long firstSample, int count, int sampleSize, float[] out) {
    System.arraycopy(data, Math.toIntExact(firstSample * sampleSize), out, 0, count * sampleSize);
  }
}
