package io.flowmatch.inference.quantize;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import java.util.Random;

/**
 * Compares a quantised model with its source on the same random inputs ({@code x ~ N(0, 1)}, {@code
 * t ~ U[0, 1]}, one time per sample): the largest velocity error relative to the largest velocity
 * of the source, the measure the exporter's parity check uses.
 */
public final class QuantParity {
  private QuantParity() {}

  /**
   * The accepted relative error of an int8 model against its float32 source, 5e-2 of max|v|: uint8
   * activations per tensor carry ~0.4 % of each tensor's range per layer, and these errors add up
   * over a transformer's layers (measured on the shipped DiT: BENCHMARKS.md, "int8").
   */
  public static final double BOUND = 5e-2;

  /** Default batch of the check. */
  public static final int DEFAULT_BATCH = 16;

  /** Fixed seed, so a failed check can be reproduced. */
  public static final long DEFAULT_SEED = 20240611L;

  /**
   * Figures of one check.
   *
   * @param batch samples compared
   * @param maxAbsError max |v_int8 − v_source|
   * @param maxAbsReference max |v_source|
   * @param relativeError maxAbsError / maxAbsReference
   * @param bound the largest accepted relative error
   */
  public record Result(
      int batch, double maxAbsError, double maxAbsReference, double relativeError, double bound) {
    public boolean passed() {
      return relativeError <= bound;
    }

    /** One line of figures. */
    public String describe() {
      return "parity int8 vs source (batch "
          + batch
          + "): max abs error "
          + Numbers.sig(maxAbsError, 3)
          + ", max|v| "
          + Numbers.sig(maxAbsReference, 3)
          + ", relative "
          + Numbers.sig(relativeError, 3)
          + " (limit "
          + Numbers.sci(bound, 1)
          + ")";
    }
  }

  /** Runs both fields on one random batch. */
  public static Result compare(
      VelocityField source, VelocityField quantized, int batch, long seed, double bound) {
    int size = source.sampleSize();
    if (quantized.sampleSize() != size) {
      throw FlowmatchException.badModel(
          "the quantised model has samples of "
              + quantized.sampleSize()
              + " values, its source "
              + size);
    }
    Random random = new Random(seed);
    float[] x = new float[Math.multiplyExact(batch, size)];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
    }
    float[] t = new float[batch];
    for (int i = 0; i < batch; i++) {
      t[i] = random.nextFloat();
    }
    float[] ref = new float[x.length];
    float[] got = new float[x.length];
    source.evaluate(x, t, batch, ref);
    quantized.evaluate(x, t, batch, got);
    double maxErr = 0;
    double maxRef = 0;
    for (int i = 0; i < ref.length; i++) {
      double e = Math.abs((double) got[i] - ref[i]);
      maxErr = Math.max(maxErr, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
      maxRef = Math.max(maxRef, Math.abs(ref[i]));
    }
    double rel = maxErr == 0 ? 0 : maxRef == 0 ? Double.POSITIVE_INFINITY : maxErr / maxRef;
    return new Result(batch, maxErr, maxRef, rel, bound);
  }
}
