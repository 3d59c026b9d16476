package io.flowmatch.training.export.onnx;

import java.nio.file.Path;

/**
 * A written model.
 *
 * @param path where it was written
 * @param precision its number format
 * @param bytes file size
 * @param parity the ONNX Runtime vs DJL check it passed
 * @param opset the ONNX opset (default domain) the file declares
 */
public record ExportResult(
    Path path, ExportPrecision precision, long bytes, ParityCheck.Result parity, int opset) {
  /** One line for the console: path, size, opset, parity figures. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "wrote %s (%s, opset %d, %.1f MB); %s",
        path,
        precision,
        opset,
        bytes / 1e6,
        parity.describe());
  }
}
