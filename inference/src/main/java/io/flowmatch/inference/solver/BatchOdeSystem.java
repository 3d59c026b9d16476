package io.flowmatch.inference.solver;

import org.apache.commons.math3.ode.FirstOrderDifferentialEquations;

/**
 * A whole batch as one Commons Math ODE system of dimension n·sampleSize: each derivative call
 * converts the double state to float, makes one batched model call at one time, and converts the
 * velocity back. The float buffers are allocated once.
 */
final class BatchOdeSystem implements FirstOrderDifferentialEquations {
  private final FieldCalls field;
  private final int n;
  private final float[] x;
  private final float[] v;
  private double lastTime = Double.NaN;

  BatchOdeSystem(FieldCalls field, int n) {
    this.field = field;
    this.n = n;
    this.x = new float[n * field.sampleSize()];
    this.v = new float[x.length];
  }

  @Override
  public int getDimension() {
    return x.length;
  }

  @Override
  public void computeDerivatives(double t, double[] y, double[] yDot) {
    lastTime = t;
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) y[i];
    }
    field.evaluate(x, t, n, v);
    for (int i = 0; i < v.length; i++) {
      yDot[i] = v[i];
    }
  }

  /** Time of the latest derivative call (NaN before the first). */
  double lastTime() {
    return lastTime;
  }
}
