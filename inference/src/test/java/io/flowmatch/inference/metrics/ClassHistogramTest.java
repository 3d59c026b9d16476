package io.flowmatch.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClassHistogramTest {

  @Test
  void countsTheArgmaxOfEachRow() {
    float[] logits = {
      0, 5, 1, // 1
      9, 2, 3, // 0
      -1, -2, -0.5f, // 2
      0, 7, 7.5f, // 2
      4, 4.5f, 1, // 1
    };
    ClassHistogram h = ClassHistogram.ofLogits(logits, 5, 3);
    assertArrayEquals(new int[] {1, 2, 2}, h.counts());
    assertEquals(5, h.total());
    assertEquals(3, h.classesHit());
    assertEquals(0.4, h.fraction(1), 1e-15);
  }

  @Test
  void totalVariationBetweenHistograms() {
    ClassHistogram a = new ClassHistogram(new int[] {5, 5, 0, 0});
    ClassHistogram b = new ClassHistogram(new int[] {1, 1, 1, 1});
    // ½ (|.5−.25|·2 + |0−.25|·2) = 0.5
    assertEquals(0.5, a.totalVariation(b), 1e-15);
    assertEquals(0, b.totalVariation(new ClassHistogram(new int[] {3, 3, 3, 3})), 1e-15);
    assertEquals(2, a.classesHit());
  }
}
