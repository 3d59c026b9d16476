package io.flowmatch.inference.io;

import java.io.IOException;

/** A file that is not a readable {@code .npy} array; the message is one line naming the file. */
public class NpyFormatException extends IOException {
  public NpyFormatException(String message) {
    super(message);
  }
}
