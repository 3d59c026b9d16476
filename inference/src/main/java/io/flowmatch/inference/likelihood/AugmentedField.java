package io.flowmatch.inference.likelihood;

import io.flowmatch.inference.jvp.JacobianVectorProduct;
import java.util.SplittableRandom;

/**
 * The augmented ODE of a continuous normalizing flow as a velocity field the project's solvers
 * integrate unchanged: each sample's state is [x (D floats), ℓ, id] with dx/dt = v(x, t), dℓ/dt =
 * div v(x, t) and d(id)/dt = 0.
 *
 * <p>{@code id} is the sample's index in the solve, carried in the state because the per-sample
 * adaptive solver gathers its unfinished samples into compact rows: the id finds each row's
 * Hutchinson probes, which so stay fixed along the trajectory whatever the solver does. Its zero
 * derivative keeps it exact (x + h·0 = x), and it adds nothing to an error estimate.
 */
final class AugmentedField implements io.flowmatch.inference.field.VelocityField {
  private final JacobianVectorProduct jvp;
  private final LikelihoodSettings settings;
  private final int d;
  private final int stride;
  private final int probes;
  private final float[] probeValues;
  private final int maxSamples;
  // scratch, one chunk of (sample, probe) rows
  private final float[] xs;
  private final float[] ts;
  private final float[] us;
  private final float[] vs;
  private final float[] js;
  private final int[] rowSample;
  private final int[] rowProbe;
  private final double[] divergence;

  /**
   * @param samples the most samples of one solve (ids 0 … samples − 1)
   * @param probeSeed seed of this solve's Hutchinson probes
   */
  AugmentedField(
      JacobianVectorProduct jvp, LikelihoodSettings settings, int samples, long probeSeed) {
    this.jvp = jvp;
    this.settings = settings;
    this.d = jvp.sampleSize();
    this.stride = d + 2;
    this.maxSamples = samples;
    boolean exact = settings.method() == DivergenceMethod.EXACT;
    this.probes = exact ? d : settings.probes();
    if (exact) {
      probeValues = null;
    } else {
      probeValues = new float[Math.multiplyExact(Math.multiplyExact(samples, probes), d)];
      SplittableRandom random = new SplittableRandom(probeSeed);
      for (int p = 0; p < samples * probes; p++) {
        settings.distribution().fill(random, probeValues, p * d, d);
      }
    }
    int rows = Math.max(1, Math.min(settings.maxRowsPerCall(), Math.max(1, (1 << 22) / d)));
    rows = Math.min(rows, Math.multiplyExact(samples, probes));
    xs = new float[rows * d];
    ts = new float[rows];
    us = new float[rows * d];
    vs = new float[rows * d];
    js = new float[rows * d];
    rowSample = new int[rows];
    rowProbe = new int[rows];
    divergence = new double[samples];
  }

  /** Floats per sample in the augmented state. */
  int stride() {
    return stride;
  }

  @Override
  public int[] sampleShape() {
    return new int[] {stride};
  }

  @Override
  public void evaluate(float[] x, float[] t, int n, float[] v) {
    int rows = ts.length;
    long pairs = (long) n * probes;
    java.util.Arrays.fill(divergence, 0, n, 0.0);
    int filled = 0;
    for (long p = 0; p < pairs; p++) {
      int i = (int) (p / probes);
      int k = (int) (p % probes);
      System.arraycopy(x, i * stride, xs, filled * d, d);
      ts[filled] = t[i];
      if (probeValues == null) {
        java.util.Arrays.fill(us, filled * d, (filled + 1) * d, 0f);
        us[filled * d + k] = 1f;
      } else {
        int id = Math.round(x[i * stride + d + 1]);
        if (id < 0 || id >= maxSamples) {
          throw new IllegalStateException("likelihood: sample id " + id + " out of range");
        }
        System.arraycopy(probeValues, (id * probes + k) * d, us, filled * d, d);
      }
      rowSample[filled] = i;
      rowProbe[filled] = k;
      filled++;
      if (filled == rows || p == pairs - 1) {
        flush(filled, v);
        filled = 0;
      }
    }
    double scale = probeValues == null ? 1.0 : 1.0 / probes;
    for (int i = 0; i < n; i++) {
      v[i * stride + d] = (float) (divergence[i] * scale);
      v[i * stride + d + 1] = 0f;
    }
  }

  private void flush(int filled, float[] v) {
    jvp.evaluate(xs, ts, us, filled, vs, js);
    for (int r = 0; r < filled; r++) {
      int i = rowSample[r];
      int k = rowProbe[r];
      if (k == 0) {
        System.arraycopy(vs, r * d, v, i * stride, d);
      }
      if (probeValues == null) {
        divergence[i] += js[r * d + k];
      } else {
        double dot = 0;
        for (int j = 0; j < d; j++) {
          dot += (double) us[r * d + j] * js[r * d + j];
        }
        divergence[i] += dot;
      }
    }
  }
}
