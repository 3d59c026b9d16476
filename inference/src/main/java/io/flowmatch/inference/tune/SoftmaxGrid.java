package io.flowmatch.inference.tune;

/**
 * The parametrisation of a monotone grid of K steps on [0, 1] by K unconstrained numbers θ: the
 * step lengths are softmax(θ), the times their running sums. Every θ gives a valid grid (0 first, 1
 * last, strictly increasing), so an unconstrained optimiser cannot leave the feasible set. Adding a
 * constant to every θ leaves the grid unchanged (one flat direction, harmless to the optimisers).
 */
public final class SoftmaxGrid {
  private SoftmaxGrid() {}

  /** The K + 1 unit times of θ (K = θ.length). */
  public static double[] times(double[] theta) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : theta) {
      max = Math.max(max, v);
    }
    double[] e = new double[theta.length];
    double sum = 0;
    for (int i = 0; i < theta.length; i++) {
      e[i] = Math.exp(theta[i] - max);
      sum += e[i];
    }
    double[] u = new double[theta.length + 1];
    double acc = 0;
    for (int i = 0; i < theta.length; i++) {
      acc += e[i];
      u[i + 1] = acc / sum;
    }
    u[theta.length] = 1;
    return u;
  }

  /** θ (mean 0) of a grid's unit times: the logs of its step lengths. */
  public static double[] theta(double[] times) {
    int k = times.length - 1;
    double[] theta = new double[k];
    double mean = 0;
    for (int i = 0; i < k; i++) {
      theta[i] = Math.log(times[i + 1] - times[i]);
      mean += theta[i] / k;
    }
    for (int i = 0; i < k; i++) {
      theta[i] -= mean;
    }
    return theta;
  }
}
