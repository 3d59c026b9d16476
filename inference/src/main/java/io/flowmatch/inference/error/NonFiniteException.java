package io.flowmatch.inference.error;

import java.util.Arrays;

/**
 * A solve met a NaN or infinity: which samples (indices within the whole request) and at which
 * time, so callers can report or drop them without parsing the message.
 */
public class NonFiniteException extends FlowmatchException {
  private final long[] sampleIndices;
  private final double time;

  public NonFiniteException(String message, long[] sampleIndices, double time) {
    super(ErrorKind.NUMERIC, message);
    this.sampleIndices = sampleIndices.clone();
    this.time = time;
  }

  /** Indices of the offending samples, in increasing order (possibly only the first few). */
  public long[] sampleIndices() {
    return sampleIndices.clone();
  }

  /** The ODE time at which the non-finite value appeared. */
  public double time() {
    return time;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "[t="
        + time
        + ", samples="
        + Arrays.toString(sampleIndices)
        + "]: "
        + getMessage();
  }
}
