package io.flowmatch.training.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.field.AnalyticVelocityField;
import io.flowmatch.inference.solver.Rk4Solver;
import io.flowmatch.inference.solver.TimeGrid;
import org.junit.jupiter.api.Test;

/**
 * The VP path of Lipman et al. runs the diffusion clock backwards: α_t = exp(−½·T(1 − t)), so t = 0
 * is (almost) pure noise and t = 1 is data, the same convention as every other path and as sampling
 * (noise at t = 0). This checks it end to end: the exact marginal velocity that a network trained
 * on {@link AffinePath#sample} targets, for data N(μ, s²), integrated from N(0, 1) noise at t = 0,
 * must arrive at the data distribution at t = 1.
 *
 * <p>For an affine path x_t = α x1 + σ x0 with x1 ~ N(μ, s²) and x0 ~ N(0, 1), x_t ~ N(αμ, v) with
 * v = α²s² + σ², and the marginal velocity E[α̇ x1 + σ̇ x0 | x_t = x] is α̇ (μ + αs²/v · (x − αμ))
 * + σ̇σ/v · (x − αμ). Its flow maps x at t = 0 to μ + s·(x − α_0 μ)/√v_0, exactly; VP's v_0 differs
 * from 1 by e^{−10.05}(s² − 1), so noise lands on μ + s·x0 up to that.
 */
class VpTimeConventionTest {
  static final double MU = 2.0;
  static final double S = 0.5;

  /** The exact marginal velocity of a path towards N(μ, s²) in one dimension. */
  static final class MarginalField extends AnalyticVelocityField {
    private final AffinePath path;

    MarginalField(AffinePath path) {
      super(new int[] {1});
      this.path = path;
    }

    @Override
    public void velocity(double[] x, double t, double[] v) {
      double a = path.alpha(t);
      double s = path.sigma(t);
      double var = a * a * S * S + s * s;
      // σ̇σ = −αα̇ for VP; at t = 1 σ̇ diverges while σ̇σ stays finite
      double sigmaDotSigma = s > 0 ? path.dSigma(t) * s : -a * path.dAlpha(t);
      double d = x[0] - a * MU;
      v[0] = path.dAlpha(t) * (MU + a * S * S / var * d) + sigmaDotSigma / var * d;
    }
  }

  @Test
  void noiseAtTimeZeroFlowsToTheDataAtTimeOne() {
    AffinePath vp = Paths.create("vp", null);
    assertEquals("vp", vp.name());
    assertEquals(0.1, vp.params().get("beta_min"));
    assertEquals(20.0, vp.params().get("beta_max"));
    assertTrue(vp.alpha(0) < 0.007 && vp.sigma(0) > 0.99997, "t = 0 is noise");
    assertEquals(1, vp.alpha(1), 0);
    assertEquals(0, vp.sigma(1), 0);
    // σ̇σ = −αα̇ (α² + σ² = 1) where both are finite
    for (double t : new double[] {0.1, 0.5, 0.9, 0.999}) {
      assertEquals(-vp.alpha(t) * vp.dAlpha(t), vp.dSigma(t) * vp.sigma(t), 1e-12, "t=" + t);
    }

    double a0 = vp.alpha(0);
    double v0 = a0 * a0 * S * S + vp.sigma(0) * vp.sigma(0);
    float[] noise = {-2.5f, -1f, 0f, 0.3f, 1f, 2.5f};
    float[] x = noise.clone();
    // the VP velocity changes fast near t = 1: fine steps there (the quadratic grid) and many of
    // them
    new Rk4Solver(400, TimeGrid.QUADRATIC).solve(new MarginalField(vp), x, noise.length, 0, 1);
    for (int i = 0; i < noise.length; i++) {
      double exact = MU + S * (noise[i] - a0 * MU) / Math.sqrt(v0);
      assertEquals(exact, x[i], 2e-4, "sample " + i);
      assertEquals(MU + S * noise[i], x[i], 1e-2, "sample " + i + " lands on μ + s·x0");
    }
  }
}
