package io.flowmatch.training.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The policy's decisions from given probe figures (the probe itself is measured elsewhere). */
class HalfPrecisionPolicyTest {
  private static final Supplier<Map<OpClass, Double>> NOT_CALLED =
      () -> {
        throw new AssertionError("the probe must not run");
      };

  @Test
  void fp32AndFp16AlwaysNeverProbe() {
    HalfPrecisionPolicy.Plan p32 =
        HalfPrecisionPolicy.plan(Precision.FP32, Set.of(OpClass.MATMUL), "cpu", NOT_CALLED);
    assertEquals(Precision.FP32, p32.effective());
    assertNull(p32.message());
    HalfPrecisionPolicy.Plan always =
        HalfPrecisionPolicy.plan(Precision.FP16_ALWAYS, Set.of(OpClass.CONV), "cpu", NOT_CALLED);
    assertEquals(Precision.FP16_ALWAYS, always.effective());
    assertFalse(always.warning());
  }

  @Test
  void fp16RunsInHalfOnlyWhenEveryOpClassTheModelUsesPays() {
    // a GPU-like device: matmul and norm pay, conv does not
    Supplier<Map<OpClass, Double>> probe =
        () -> Map.of(OpClass.MATMUL, 3.0, OpClass.NORM, 1.5, OpClass.CONV, 0.5);
    HalfPrecisionPolicy.Plan dit =
        HalfPrecisionPolicy.plan(
            Precision.FP16, Set.of(OpClass.MATMUL, OpClass.NORM), "gpu", probe);
    assertEquals(Precision.FP16, dit.effective());
    assertFalse(dit.warning());
    assertEquals(
        "precision: fp16 pays on gpu (float16 speed vs float32: matmul 3.00×, norm 1.50×)",
        dit.message());
    HalfPrecisionPolicy.Plan unet =
        HalfPrecisionPolicy.plan(
            Precision.FP16, Set.of(OpClass.CONV, OpClass.NORM, OpClass.MATMUL), "gpu", probe);
    assertEquals(Precision.FP32, unet.effective());
    assertTrue(unet.warning());
    assertEquals(
        "warning: --precision fp16: float16 does not pay for this model on gpu (measured float16"
            + " speed vs float32: matmul 3.00×, conv 0.50×, norm 1.50×; each must reach 1.1×), so"
            + " it trains in fp32 with identical results; --precision fp16-always forces float16",
        unet.message());
  }

  @Test
  void aSpeedJustBelowTheMarginDoesNotPay() {
    HalfPrecisionPolicy.Plan p =
        HalfPrecisionPolicy.plan(
            Precision.FP16, Set.of(OpClass.MATMUL), "cpu", () -> Map.of(OpClass.MATMUL, 1.09));
    assertEquals(Precision.FP32, p.effective());
  }
}
