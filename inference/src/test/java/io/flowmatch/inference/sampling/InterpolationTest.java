package io.flowmatch.inference.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InterpolationTest {

  @Test
  void slerpStaysOnTheSphereAndHitsTheEnds() {
    float[] ab = {3, 0, 0, 0, 3, 0}; // a = (3,0,0), b = (0,3,0): 90° apart, same norm
    assertEquals(Math.PI / 2, Interpolation.angle(ab, 0, ab, 3, 3), 1e-12);
    float[] out = new float[3];
    for (double alpha : new double[] {0, 0.25, 0.5, 1}) {
      Interpolation.slerp(ab, 0, ab, 3, 3, alpha, out, 0);
      assertEquals(3 * Math.cos(alpha * Math.PI / 2), out[0], 1e-6);
      assertEquals(3 * Math.sin(alpha * Math.PI / 2), out[1], 1e-6);
      assertEquals(0, out[2]);
    }
  }

  @Test
  void lerpAndParallelCodes() {
    float[] ab = {1, 2, 3, 6};
    float[] out = new float[2];
    Interpolation.lerp(ab, 0, ab, 2, 2, 0.5, out, 0);
    assertArrayEquals(new float[] {2, 4}, out);
    // parallel codes: slerp falls back to the straight line
    Interpolation.slerp(ab, 0, ab, 2, 2, 0.5, out, 0);
    assertArrayEquals(new float[] {2, 4}, out, 1e-6f);
  }
}
