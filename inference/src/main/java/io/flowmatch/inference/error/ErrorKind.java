package io.flowmatch.inference.error;

/**
 * What went wrong, coarse enough for a caller to react to (and for the CLI to pick an exit code).
 */
public enum ErrorKind {
  /** A setting or argument the caller gave is out of range or malformed. */
  INVALID_ARGUMENT(true),
  /** A model file does not meet the public contract, or cannot be read as ONNX. */
  BAD_MODEL(false),
  /** An input data file (.npy, PNG, IDX, run folder) is missing, corrupt or of the wrong shape. */
  BAD_INPUT(false),
  /** A solve produced non-finite values or could not reach its tolerance. */
  NUMERIC(false),
  /** Reading or writing a file failed. */
  IO(false),
  /** The request is valid but this build or machine cannot serve it (a provider, an op). */
  UNSUPPORTED(false),
  /** A bound on memory, size or count would be exceeded. */
  RESOURCE_LIMIT(false);

  private final boolean usage;

  ErrorKind(boolean usage) {
    this.usage = usage;
  }

  /** Whether the caller's request itself was wrong (the CLI's exit code 2) rather than the run. */
  public boolean isUsage() {
    return usage;
  }
}
