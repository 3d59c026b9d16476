package io.flowmatch.inference.solver;

/**
 * What one solve cost.
 *
 * @param nfePerSample model evaluations each sample went through (length n)
 * @param modelCalls batched calls made to the field
 * @param steps accepted steps (for whole-batch solvers; the maximum over samples otherwise)
 * @param rejectedSteps rejected steps of adaptive solvers (0 for fixed-step ones)
 * @param modelNanos wall time spent inside the field, in nanoseconds
 */
public record SolveResult(
    int[] nfePerSample, long modelCalls, int steps, int rejectedSteps, long modelNanos) {

  public double meanNfe() {
    long sum = 0;
    for (int v : nfePerSample) {
      sum += v;
    }
    return nfePerSample.length == 0 ? 0 : (double) sum / nfePerSample.length;
  }

  public int minNfe() {
    int m = Integer.MAX_VALUE;
    for (int v : nfePerSample) {
      m = Math.min(m, v);
    }
    return nfePerSample.length == 0 ? 0 : m;
  }

  public int maxNfe() {
    int m = 0;
    for (int v : nfePerSample) {
      m = Math.max(m, v);
    }
    return m;
  }
}
