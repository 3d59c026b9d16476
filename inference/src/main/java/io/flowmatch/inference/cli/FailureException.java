package io.flowmatch.inference.cli;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;

/**
 * A run that failed for a reason other than usage (corrupt model, NaN, I/O): one line, exit 1.
 * Prefer {@link FlowmatchException} with a specific kind.
 */
public class FailureException extends FlowmatchException {
  public FailureException(String message) {
    super(ErrorKind.IO, message);
  }

  public FailureException(String message, Throwable cause) {
    super(ErrorKind.IO, message, cause);
  }
}
