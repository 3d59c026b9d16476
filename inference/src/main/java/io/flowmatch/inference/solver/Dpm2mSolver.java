package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffineSchedule;
import java.util.Arrays;

/**
 * A second-order multistep exponential integrator with data prediction, in the style of
 * DPM-Solver++(2M) (Lu et al. 2022), for models trained on an affine path x_t = α_t·x1 + σ_t·x0.
 * One model call per step (NFE = steps).
 *
 * <p><b>Derivation.</b> Write the path as x = A·D + S·N, where, solving forward, A = α, S = σ, D is
 * the data x1 and N the noise x0 (solving backward the roles swap: A = σ, S = α, D = x0, N = x1).
 * The model's velocity v = Ȧ·D + Ṡ·N gives both predictions at (x, t) by a 2×2 solve (see {@link
 * AffineSchedule#dataPrediction}); for the OT path D̂ = x̂1 = x + (1 − t)·v. Substituting N = (x −
 * A·D)/S into dx/dt = Ȧ·D + Ṡ·N gives dx/dt = (Ṡ/S)·x + (Ȧ − A·Ṡ/S)·D, whose linear part is
 * integrated exactly with the factor 1/S: d(x/S)/dt = ρ'·D with ρ = A/S (= e^λ, λ the log
 * signal-to-noise ratio). From t to s:
 *
 * <pre>
 *   x_s = (S_s/S_t)·x_t + S_s·∫_t^s ρ'(τ)·D̂(τ) dτ.
 * </pre>
 *
 * With D̂ constant over the step this is DDIM (for the OT path, exactly Euler): x_s = (S_s/S_t)·x_t
 * + c0·D̂_i, c0 = A_s − S_s·A_t/S_t. The 2M step extrapolates D̂ linearly from the previous node,
 * D̂(τ) ≈ D̂_i + (τ − t)·D̂', D̂' = (D̂_i − D̂_{i−1})/(t_i − t_{i−1}), and integrates that exactly:
 * x_s = (S_s/S_t)·x_t + c0·D̂_i + c1·D̂', with (by parts)
 *
 * <pre>
 *   c1 = S_s·∫_t^s ρ'(τ)·(τ − t) dτ = A_s·(s − t) − S_s·∫_t^s A(τ)/S(τ) dτ,
 * </pre>
 *
 * the last integral by Gauss–Legendre quadrature once per step of a grid (not per sample or batch).
 * DPM-Solver++ extrapolates D̂ linearly in λ instead of t; on these paths λ = ±∞ at both ends (α_0
 * = 0 and, with σ_min = 0, σ_1 = 0), where the λ-form degenerates to first order on the first two
 * steps and the last. Linear in t, every coefficient stays finite at the ends (at S_s = 0, c1 =
 * A_s·(s − t)), so only the first step (no history) is first order; its O(h²) local error keeps the
 * method's global order 2 (tests measure it).
 *
 * <p><b>Paths.</b> Any {@link AffineSchedule}: condot (any σ_min), cosine, polynomial, vp, read
 * from the model's metadata. It needs S &gt; 0 at every node but the last and finite predictions at
 * the nodes where the model is called: the VP path cannot start a backward solve at exactly t = 1
 * (σ̇ diverges there).
 */
public final class Dpm2mSolver extends MultistepSolver {
  public static final String NAME = "dpm2m";

  private final AffineSchedule path;
  // the last grid's coefficients (immutable; a race only recomputes them)
  private volatile Coefficients cached;

  public Dpm2mSolver(int steps, String grid, AffineSchedule path) {
    super(NAME, steps, grid);
    this.path = path == null ? AffineSchedule.condOt(0) : path;
  }

  /** The path whose predictions the solver uses. */
  public AffineSchedule path() {
    return path;
  }

  @Override
  int workArrays() {
    // predictions at the last two nodes (a ring indexed by node) and the velocity
    return 3;
  }

  @Override
  void advance(FieldCalls field, float[] x, int n, double[] nodes, int i, float[][] work) {
    Coefficients c = coefficients(nodes);
    float[] v = work[2];
    float[] d = work[i % 2];
    int size = n * field.sampleSize();
    field.evaluate(x, nodes[i], n, v);
    double p0 = c.prediction[2 * i];
    double p1 = c.prediction[2 * i + 1];
    for (int k = 0; k < size; k++) {
      d[k] = (float) (p0 * x[k] + p1 * v[k]);
    }
    double ratio = c.ratio[i];
    double c0 = c.c0[i];
    if (i == 0) {
      for (int k = 0; k < size; k++) {
        x[k] = (float) (ratio * x[k] + c0 * d[k]);
      }
      return;
    }
    float[] previous = work[(i - 1) % 2];
    double w = c.w[i];
    for (int k = 0; k < size; k++) {
      x[k] = (float) (ratio * x[k] + (c0 + w) * d[k] - w * previous[k]);
    }
  }

  /**
   * The step coefficients of a grid, computed once per grid (they depend on the nodes and the path
   * only, not on the samples) and kept for the next batch on the same grid.
   */
  private Coefficients coefficients(double[] nodes) {
    Coefficients c = cached;
    if (c == null || !Arrays.equals(c.nodes, nodes)) {
      c = new Coefficients(nodes.clone());
      cached = c;
    }
    return c;
  }

  /** Per step i: the prediction's weights on x and v, S_s/S_t, c0 and c1/(t_i − t_{i−1}). */
  private final class Coefficients {
    final double[] nodes;
    final double[] prediction;
    final double[] ratio;
    final double[] c0;
    final double[] w;

    Coefficients(double[] nodes) {
      this.nodes = nodes;
      int steps = nodes.length - 1;
      prediction = new double[2 * steps];
      ratio = new double[steps];
      c0 = new double[steps];
      w = new double[steps];
      boolean forward = nodes[steps] > nodes[0];
      for (int i = 0; i < steps; i++) {
        double t = nodes[i];
        double s = nodes[i + 1];
        double[] p = forward ? path.dataPrediction(t) : path.noisePrediction(t);
        prediction[2 * i] = p[0];
        prediction[2 * i + 1] = p[1];
        double at = a(forward, t);
        double st = sCoef(forward, t);
        double as = a(forward, s);
        double ss = sCoef(forward, s);
        if (!(st > 0)) {
          throw new FlowmatchException(
              ErrorKind.NUMERIC,
              NAME
                  + ": the "
                  + path.name()
                  + " path has "
                  + (forward ? "σ" : "α")
                  + " = "
                  + st
                  + " at t="
                  + t
                  + "; the step to t="
                  + s
                  + " needs it positive");
        }
        ratio[i] = ss / st;
        c0[i] = as - ss * at / st;
        if (i > 0) {
          double c1 = as * (s - t) - (ss == 0 ? 0 : scaledIntegral(forward, t, s, ss));
          w[i] = c1 / (t - nodes[i - 1]);
        }
      }
    }
  }

  private double a(boolean forward, double t) {
    return forward ? path.alpha(t) : path.sigma(t);
  }

  private double sCoef(boolean forward, double t) {
    return forward ? path.sigma(t) : path.alpha(t);
  }

  /**
   * S_s·∫_t^s A(τ)/S(τ) dτ (signed: negative for s &lt; t). The integrand is taken as S_s·A/S,
   * which stays below A because S falls towards s; A/S alone diverges where S_s is (nearly) 0.
   */
  private double scaledIntegral(boolean forward, double t, double s, double ss) {
    double lo = Math.min(t, s);
    double hi = Math.max(t, s);
    double value =
        GaussLegendre.integrate(
            tau -> ss * a(forward, tau) / sCoef(forward, tau), lo, hi, 1e-10, 1e-13);
    return s >= t ? value : -value;
  }
}
