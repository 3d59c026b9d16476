package io.flowmatch.training.export.onnx;

/**
 * An export that could not be completed: a failed parity check or a failed write. The message is
 * one line naming what went wrong; no file was written.
 */
public class ExportException extends RuntimeException {
  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
