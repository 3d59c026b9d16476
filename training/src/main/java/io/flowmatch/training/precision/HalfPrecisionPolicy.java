package io.flowmatch.training.precision;

import io.flowmatch.inference.format.Numbers;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Decides the working precision of a run from what was asked and what pays on the device.
 *
 * <p>PyTorch's autocast runs each op class in half precision only where it pays. DJL cannot do that
 * per op: its {@code toType} is not recorded by autograd (a cast inside the forward pass cuts the
 * gradient; {@code DjlCastGradientTest} pins this), so the half-precision copy has to be the whole
 * network. The policy therefore works at the granularity DJL allows: {@code fp16} trains in float16
 * only when every op class the architecture spends its time in runs at least {@link #MIN_SPEEDUP}×
 * faster in float16 on the device (measured by {@link HalfPrecisionProbe}); otherwise it trains in
 * float32 and says so once. {@code fp16-always} skips the probe (for numerics studies).
 */
public final class HalfPrecisionPolicy {
  /** float16 must beat float32 by this factor on every op class the model uses. */
  public static final double MIN_SPEEDUP = 1.1;

  private HalfPrecisionPolicy() {}

  /**
   * The precision a run uses and the line that explains it.
   *
   * @param effective the working precision the trainer uses
   * @param message what to print at start (null when nothing needs saying)
   * @param warning true when {@code message} reports that the request was not followed
   */
  public record Plan(Precision effective, String message, boolean warning) {}

  /**
   * @param requested the precision the run asked for
   * @param opsUsed the op classes the architecture spends its time in
   * @param deviceName the device, for the message
   * @param speedups float32/float16 time per op class (only consulted for {@code fp16})
   */
  public static Plan plan(
      Precision requested,
      Set<OpClass> opsUsed,
      String deviceName,
      java.util.function.Supplier<Map<OpClass, Double>> speedups) {
    switch (requested) {
      case FP32:
        return new Plan(Precision.FP32, null, false);
      case FP16_ALWAYS:
        return new Plan(
            Precision.FP16_ALWAYS,
            "precision: float16 working copy forced (fp16-always), whatever its speed on "
                + deviceName,
            false);
      default:
        break;
    }
    Map<OpClass, Double> measured = speedups.get();
    StringJoiner figures = new StringJoiner(", ");
    boolean pays = true;
    for (OpClass op : OpClass.values()) {
      if (!opsUsed.contains(op)) {
        continue;
      }
      double s = measured.getOrDefault(op, 0.0);
      figures.add(op.label() + " " + Numbers.fixed(s, 2) + "×");
      pays &= s >= MIN_SPEEDUP;
    }
    if (pays) {
      return new Plan(
          Precision.FP16,
          "precision: fp16 pays on " + deviceName + " (float16 speed vs float32: " + figures + ")",
          false);
    }
    return new Plan(
        Precision.FP32,
        "warning: --precision fp16: float16 does not pay for this model on "
            + deviceName
            + " (measured float16 speed vs float32: "
            + figures
            + "; each must reach "
            + MIN_SPEEDUP
            + "×), so it trains in fp32 with identical results;"
            + " --precision fp16-always forces float16",
        true);
  }
}
