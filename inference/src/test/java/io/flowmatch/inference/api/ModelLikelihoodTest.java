package io.flowmatch.inference.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.GaussianMixtureField;
import io.flowmatch.inference.jvp.JvpModel;
import io.flowmatch.inference.likelihood.DivergenceMethod;
import io.flowmatch.inference.likelihood.Likelihood;
import io.flowmatch.inference.likelihood.LikelihoodResult;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.likelihood.LikelihoodTestSupport;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowModel#likelihood}: the library's likelihood behind the facade, known answers on gmm8.
 */
class ModelLikelihoodTest {
  private static final Path GMM8 = Path.of("..", "models", "gmm8.onnx");

  @Test
  void gmm8LogDensityMatchesTheLibraryAndTheClosedForm() {
    GaussianMixture gmm = GaussianMixture.circle(8, 4, 0.5);
    int n = 32;
    float[] x = new float[2 * n];
    SplittableRandom random = new SplittableRandom(3);
    double[] s = new double[2];
    for (int i = 0; i < n; i++) {
      gmm.sample(random, s);
      x[2 * i] = (float) s[0];
      x[2 * i + 1] = (float) s[1];
    }
    LikelihoodSettings exact = LikelihoodSettings.builder().method(DivergenceMethod.EXACT).build();
    Solver solver = Solver.dopri5(1e-6, 1e-6);
    LikelihoodResult viaApi;
    try (FlowModel model = FlowModel.open(GMM8, Device.cpu().threads(1));
        ModelLikelihood likelihood = model.likelihood(solver, exact)) {
      assertEquals(DivergenceMethod.EXACT, likelihood.settings().method());
      viaApi = likelihood.logDensity(x, n);
    }
    LikelihoodResult direct;
    try (JvpModel jvp = JvpModel.open(GMM8, Device.cpu().threads(1).fieldOptions(null))) {
      direct = new Likelihood(jvp, solver.create(), exact).logDensity(x, n, 0, null);
    }
    assertArrayEquals(direct.logProb(), viaApi.logProb(), "the facade adds nothing to the numbers");
    for (int i = 0; i < n; i++) {
      double closed = LikelihoodTestSupport.mixtureLogDensity(gmm, x, 2 * i);
      assertTrue(
          Math.abs(viaApi.logProb()[i] - closed) < 1e-3,
          "sample " + i + ": " + viaApi.logProb()[i] + " vs closed form " + closed);
    }
  }

  @Test
  void aFieldWithoutAFileHasNoLikelihood() {
    try (FlowModel model =
        FlowModel.of(new GaussianMixtureField(GaussianMixture.circle(8, 4, 0.5)), "gmm8-java")) {
      FlowmatchException e =
          assertThrows(
              FlowmatchException.class,
              () ->
                  model.likelihood(
                      Solver.dopri5(1e-5, 1e-5), LikelihoodSettings.builder().build()));
      assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    }
  }
}
