package io.flowmatch.inference.cli;

/** A run that failed for a reason other than usage (corrupt model, NaN, I/O): one line, exit 1. */
public class FailureException extends RuntimeException {
  public FailureException(String message) {
    super(message);
  }

  public FailureException(String message, Throwable cause) {
    super(message, cause);
  }
}
