package io.flowmatch.inference.dataset;

import java.io.IOException;

/** A data file that exists but does not hold what its format promises. */
public class CorruptDataException extends IOException {
  public CorruptDataException(String message) {
    super(message);
  }
}
