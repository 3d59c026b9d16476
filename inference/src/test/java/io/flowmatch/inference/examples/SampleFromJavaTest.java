package io.flowmatch.inference.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Runs the README's Java example: gmm8's components sit on a circle of radius 4, std 0.5. */
class SampleFromJavaTest {
  @Test
  void exampleSamplesTheMixtureCircle() {
    double radius = SampleFromJava.run(Path.of("..", "models", "gmm8.onnx"));
    // radius of a point N(mean, 0.25 I) with |mean| = 4: about 4 + 0.25/8 (≈ 4.03)
    assertEquals(4.03, radius, 0.08);
  }
}
