package io.flowmatch.inference.error;

import java.util.Objects;

/**
 * A failure of a flowmatch operation: a {@link ErrorKind} and a one-line message that names what
 * was given and what was expected, e.g. {@code --steps must be a positive integer, got 0}.
 */
public class FlowmatchException extends RuntimeException {
  private final ErrorKind kind;

  public FlowmatchException(ErrorKind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public FlowmatchException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public ErrorKind kind() {
    return kind;
  }

  /** A bad argument or setting: {@link ErrorKind#INVALID_ARGUMENT}. */
  public static FlowmatchException invalidArgument(String message) {
    return new FlowmatchException(ErrorKind.INVALID_ARGUMENT, message);
  }

  /** A model that breaks the contract: {@link ErrorKind#BAD_MODEL}. */
  public static FlowmatchException badModel(String message) {
    return new FlowmatchException(ErrorKind.BAD_MODEL, message);
  }

  /** A corrupt or mismatched input file: {@link ErrorKind#BAD_INPUT}. */
  public static FlowmatchException badInput(String message) {
    return new FlowmatchException(ErrorKind.BAD_INPUT, message);
  }

  /** An I/O failure: {@link ErrorKind#IO}. */
  public static FlowmatchException io(String message, Throwable cause) {
    return new FlowmatchException(ErrorKind.IO, message, cause);
  }

  /** A valid request this build or machine cannot serve: {@link ErrorKind#UNSUPPORTED}. */
  public static FlowmatchException unsupported(String message) {
    return new FlowmatchException(ErrorKind.UNSUPPORTED, message);
  }

  /** A size or memory bound that would be exceeded: {@link ErrorKind#RESOURCE_LIMIT}. */
  public static FlowmatchException resourceLimit(String message) {
    return new FlowmatchException(ErrorKind.RESOURCE_LIMIT, message);
  }
}
