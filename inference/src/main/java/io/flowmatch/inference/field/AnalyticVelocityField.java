package io.flowmatch.inference.field;

/**
 * A velocity field given by a formula, computed in double precision per sample: reference answers
 * for tests of solvers and ONNX models, needing no native resources.
 */
public abstract class AnalyticVelocityField implements VelocityField {
  private final int[] sampleShape;
  private final int sampleSize;
  private final double[] xScratch;
  private final double[] vScratch;

  protected AnalyticVelocityField(int... sampleShape) {
    if (sampleShape.length == 0) {
      throw new IllegalArgumentException("sample shape must have at least one dimension");
    }
    int size = 1;
    for (int d : sampleShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "sample shape must be positive, got " + java.util.Arrays.toString(sampleShape));
      }
      size = Math.multiplyExact(size, d);
    }
    this.sampleShape = sampleShape.clone();
    this.sampleSize = size;
    this.xScratch = new double[size];
    this.vScratch = new double[size];
  }

  /** Writes v(x, t) of one sample into {@code v} (both of {@link #sampleSize()} values). */
  public abstract void velocity(double[] x, double t, double[] v);

  @Override
  public final int[] sampleShape() {
    return sampleShape.clone();
  }

  @Override
  public final int sampleSize() {
    return sampleSize;
  }

  /** Evaluates each sample in double precision, then rounds to float. */
  @Override
  public synchronized void evaluate(float[] x, float[] t, int n, float[] v) {
    for (int i = 0; i < n; i++) {
      int offset = i * sampleSize;
      for (int j = 0; j < sampleSize; j++) {
        xScratch[j] = x[offset + j];
      }
      velocity(xScratch, t[i], vScratch);
      for (int j = 0; j < sampleSize; j++) {
        v[offset + j] = (float) vScratch[j];
      }
    }
  }
}
