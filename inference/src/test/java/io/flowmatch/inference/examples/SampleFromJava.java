package io.flowmatch.inference.examples;

import io.flowmatch.inference.api.Device;
import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.api.SampleResult;
import io.flowmatch.inference.api.Solver;
import io.flowmatch.inference.field.ModelCard;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Using flowmatch from Java: open a shipped model, draw samples, read its model card. Run it from
 * the project root with a model path as argument (default {@code models/gmm8.onnx}); the tests run
 * it too ({@code SampleFromJavaTest}).
 */
public final class SampleFromJava {
  private SampleFromJava() {}

  /** Draws 1000 samples and returns the mean distance of the samples from the origin. */
  public static double run(Path modelPath) {
    try (FlowModel model = FlowModel.open(modelPath, Device.cpu().threads(2))) {
      ModelCard card = model.card();
      SampleResult r = model.sampler().solver(Solver.heun(20)).seed(0).batch(256).sample(1000);
      float[] x = r.samples(); // 1000 × 2 floats, row-major
      double radius = 0;
      for (int i = 0; i < r.count(); i++) {
        radius += Math.hypot(x[2 * i], x[2 * i + 1]) / r.count();
      }
      System.out.printf(
          Locale.ROOT,
          "%s (%s, %s): %d samples with %s, NFE/sample %s, mean radius %.3f%n",
          modelPath.getFileName(),
          card.architecture(),
          card.dataset(),
          r.count(),
          Solver.heun(20),
          r.report().nfeText(),
          radius);
      return radius;
    }
  }

  public static void main(String[] args) {
    run(Path.of(args.length > 0 ? args[0] : "models/gmm8.onnx"));
  }
}
