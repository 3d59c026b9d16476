package io.flowmatch.inference.solver;

import io.flowmatch.inference.field.VelocityField;
import java.util.Random;

/** An analytic velocity field whose flow map is known in closed form (computed in double). */
abstract class ExactFlowField implements VelocityField {
  private final int dims;

  ExactFlowField(int dims) {
    this.dims = dims;
  }

  @Override
  public int[] sampleShape() {
    return new int[] {dims};
  }

  /** v(x, t) of one sample, in double. */
  abstract void velocity(double[] x, double t, double[] v);

  /** The exact state at tb of one sample that is at x at ta. */
  abstract void flow(double[] x, double ta, double tb, double[] out);

  @Override
  public void evaluate(float[] x, float[] t, int n, float[] v) {
    double[] xi = new double[dims];
    double[] vi = new double[dims];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < dims; c++) {
        xi[c] = x[i * dims + c];
      }
      velocity(xi, t[i], vi);
      for (int c = 0; c < dims; c++) {
        v[i * dims + c] = (float) vi[c];
      }
    }
  }

  /** The exact states at tb of n samples at x at ta. */
  double[] exact(float[] x, int n, double ta, double tb) {
    double[] out = new double[n * dims];
    double[] xi = new double[dims];
    double[] yi = new double[dims];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < dims; c++) {
        xi[c] = x[i * dims + c];
      }
      flow(xi, ta, tb, yi);
      System.arraycopy(yi, 0, out, i * dims, dims);
    }
    return out;
  }

  /** n standard-normal samples (fixed seed). */
  float[] noise(int n, long seed) {
    Random random = new Random(seed);
    float[] x = new float[n * dims];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    return x;
  }

  static double maxError(float[] actual, double[] expected) {
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
    }
    return max;
  }

  static double maxError(float[] actual, float[] expected) {
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(actual[i] - expected[i]));
    }
    return max;
  }
}
