package io.flowmatch.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PointCloudMetricsTest {
  @Test
  void scoresEachRegisteredDistanceInOrder() {
    int n = 300;
    float[] ref = new float[2 * n];
    Random r = new Random(3);
    for (int i = 0; i < ref.length; i++) {
      ref[i] = (float) r.nextGaussian();
    }
    float[] shifted = ref.clone();
    for (int i = 0; i < n; i++) {
      shifted[2 * i] += 0.3f;
      shifted[2 * i + 1] -= 0.4f;
    }
    PointCloudMetrics m = new PointCloudMetrics(ref, n, 2, "the data");
    // the shipped two first; a new distance registers after them
    assertEquals(List.of("energy", "sw2"), m.names().subList(0, 2));
    String d = m.description();
    assertTrue(d.startsWith("energy distance D²"), d);
    assertTrue(d.contains(" sliced Wasserstein-2 (128 directions)"), d);
    assertTrue(d.endsWith(" to the data"), d);
    double[] same = m.score(ref, n);
    assertEquals(m.names().size(), same.length);
    assertEquals(0, same[0], 1e-12);
    assertEquals(0, same[1], 1e-12);
    double[] s = m.score(shifted, n);
    assertEquals(EnergyDistance.between(shifted, n, ref, n, 2), s[0], 1e-12);
    // a pure shift δ in 2-D: SW₂ = |δ|/√2 exactly (evenly spaced directions)
    assertEquals(0.5 / Math.sqrt(2), s[1], 1e-6);
  }
}
