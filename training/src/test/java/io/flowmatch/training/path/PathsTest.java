package io.flowmatch.training.path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.TestEngine;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PathsTest {

  @Test
  void condOtMatchesItsDefinition() {
    AffinePath p = Paths.create("condot", Map.of("sigma_min", 0.1));
    for (double t : new double[] {0, 0.25, 0.5, 1}) {
      assertEquals(t, p.alpha(t), 0);
      assertEquals(1 - 0.9 * t, p.sigma(t), 1e-15);
      assertEquals(1, p.dAlpha(t), 0);
      assertEquals(-0.9, p.dSigma(t), 1e-15);
    }
    assertEquals(0.1, p.sigma(1), 1e-15); // σ_min of noise is left at the data end
  }

  @Test
  void everyPathGoesFromNoiseToDataWithConsistentDerivatives() {
    for (String name : Paths.names()) {
      AffinePath p = Paths.create(name, Map.of());
      assertEquals(name, p.name());
      assertEquals(0, p.alpha(0), 1e-2, name + " α_0"); // vp: exp(−5.025) ≈ 0.0066
      assertEquals(1, p.sigma(0), 1e-4, name + " σ_0");
      assertEquals(1, p.alpha(p.maxTime()), 1e-3, name + " α_1");
      for (double t = 0.05; t < 0.95; t += 0.1) {
        double h = 1e-6;
        assertEquals(
            (p.alpha(t + h) - p.alpha(t - h)) / (2 * h), p.dAlpha(t), 1e-5, name + " α̇ at " + t);
        assertEquals(
            (p.sigma(t + h) - p.sigma(t - h)) / (2 * h), p.dSigma(t), 1e-5, name + " σ̇ at " + t);
      }
    }
  }

  @Test
  void cosineAndPolynomialHaveTheirClosedForms() {
    AffinePath c = Paths.create("cosine", null);
    assertEquals(Math.sqrt(0.5), c.alpha(0.5), 1e-15);
    assertEquals(Math.sqrt(0.5), c.sigma(0.5), 1e-15);
    AffinePath p = Paths.create("polynomial", Map.of("n", 3.0));
    assertEquals(0.125, p.alpha(0.5), 1e-15);
    assertEquals(0.75, p.dAlpha(0.5), 1e-15);
    AffinePath vp = Paths.create("vp", null);
    // α_t = exp(−½ T(1−t)), T(s) = 0.1 s + ½ s² (20 − 0.1): at t = 0.5, T = 0.05 + 2.4875
    assertEquals(Math.exp(-0.5 * (0.05 + 0.125 * 19.9)), vp.alpha(0.5), 1e-12);
    assertEquals(1, vp.alpha(0.5) * vp.alpha(0.5) + vp.sigma(0.5) * vp.sigma(0.5), 1e-12);
  }

  @Test
  void badNamesAndParametersAreRejected() {
    FlowmatchException e = assertThrows(FlowmatchException.class, () -> Paths.create("ddpm", null));
    // the shipped four first, in help order; a new path registers after them
    assertEquals(List.of("condot", "vp", "cosine", "polynomial"), Paths.names().subList(0, 4));
    assertEquals(
        "unknown path 'ddpm', expected one of " + String.join(", ", Paths.names()), e.getMessage());
    e = assertThrows(FlowmatchException.class, () -> Paths.create("condot", Map.of("beta", 1.0)));
    assertEquals(
        "path 'condot' has no parameter 'beta', expected one of sigma_min", e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class, () -> Paths.create("condot", Map.of("sigma_min", 1.0)));
    assertEquals("condot path: sigma_min must lie in [0, 1), got 1.0", e.getMessage());
  }

  @Test
  void batchedSampleInterpolatesPerSample() {
    TestEngine.oneThread();
    try (NDManager m = NDManager.newBaseManager()) {
      AffinePath p = Paths.create("condot", null);
      var x0 = m.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
      var x1 = m.create(new float[] {5, 6, 7, 8}, new Shape(2, 2));
      AffinePath.PathSample s = p.sample(x0, x1, new float[] {0.25f, 1f});
      // row 0: 0.75·x0 + 0.25·x1; row 1: x1
      assertArrayEquals(new float[] {2f, 3f, 7, 8}, s.xt().toFloatArray(), 1e-6f);
      assertArrayEquals(new float[] {4, 4, 4, 4}, s.target().toFloatArray(), 1e-6f);
    }
  }
}
