package io.flowmatch.inference.solver;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;

/**
 * An adaptive solve that could not reach its tolerance: an evaluation bound exceeded or a step size
 * below the minimum. Kind {@link ErrorKind#NUMERIC}; names the samples it concerns (indices within
 * the batch the solver was given, empty when the solver cannot tell) so that callers can re-number
 * them without parsing the message.
 */
public class ToleranceException extends FlowmatchException {
  private final long[] sampleIndices;

  public ToleranceException(String message, long... sampleIndices) {
    super(ErrorKind.NUMERIC, message);
    this.sampleIndices = sampleIndices.clone();
  }

  /** The samples named in the message, possibly none. */
  public long[] sampleIndices() {
    return sampleIndices.clone();
  }
}
