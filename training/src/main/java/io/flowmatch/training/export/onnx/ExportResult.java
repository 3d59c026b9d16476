package io.flowmatch.training.export.onnx;

import java.nio.file.Path;

/**
 * A written model.
 *
 * @param path where it was written
 * @param precision its number format
 * @param bytes file size
 * @param parity the ONNX Runtime vs DJL check it passed
 */
public record ExportResult(
    Path path, ExportPrecision precision, long bytes, ParityCheck.Result parity) {
  /** One line for the console: path, size, parity figures. */
  public String describe() {
    return String.format(
        "wrote %s (%s, %.1f MB); %s", path, precision, bytes / 1e6, parity.describe());
  }
}
