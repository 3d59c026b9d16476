package io.flowmatch.training.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.error.FlowmatchException;
import org.junit.jupiter.api.Test;

class LossScalerTest {

  @Test
  void overflowSkipsAndHalvesThenGoodStepsDouble() {
    LossScaler s = LossScaler.dynamic(1024, 3);
    assertFalse(s.update(false));
    assertEquals(512, s.scale());
    assertTrue(s.update(true));
    assertTrue(s.update(true));
    assertEquals(512, s.scale());
    assertTrue(s.update(true));
    assertEquals(1024, s.scale()); // third good step in a row
    assertEquals(0, s.goodSteps());
    assertTrue(s.update(true));
    assertFalse(s.update(false)); // an overflow resets the run of good steps
    assertEquals(512, s.scale());
    assertEquals(0, s.goodSteps());
  }

  @Test
  void restoreContinuesTheSameSequence() {
    LossScaler a = LossScaler.dynamic(8, 2);
    a.update(true);
    LossScaler b = LossScaler.dynamic(99, 2);
    b.restore(a.scale(), a.goodSteps());
    a.update(true);
    b.update(true);
    assertEquals(a.scale(), b.scale());
    assertEquals(16, b.scale());
  }

  @Test
  void fp32HasAFixedScaleOfOne() {
    LossScaler s = LossScaler.none();
    assertFalse(s.isDynamic());
    s.update(true);
    assertEquals(1, s.scale());
    assertFalse(s.update(false));
    assertEquals(1, s.scale());
  }

  @Test
  void invalidSettingsAreRejected() {
    assertThrows(FlowmatchException.class, () -> LossScaler.dynamic(0, 10));
    assertThrows(FlowmatchException.class, () -> LossScaler.dynamic(1, 0));
    assertEquals(
        "unknown precision 'bf16', expected one of fp32, fp16, fp16-always (bf16 is not supported: DJL 0.36 aborts the JVM on bfloat16)",
        assertThrows(FlowmatchException.class, () -> Precision.parse("bf16")).getMessage());
  }
}
