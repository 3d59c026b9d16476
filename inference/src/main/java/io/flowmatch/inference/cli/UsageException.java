package io.flowmatch.inference.cli;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;

/** Bad input from the user: printed as one line, exit code 2. Prefer {@link FlowmatchException}. */
public class UsageException extends FlowmatchException {
  public UsageException(String message) {
    super(ErrorKind.INVALID_ARGUMENT, message);
  }
}
