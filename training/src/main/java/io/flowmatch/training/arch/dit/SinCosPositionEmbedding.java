package io.flowmatch.training.arch.dit;

/**
 * Fixed 2-D sine-cosine position embedding of a grid of patches, as in MAE and DiT: the first half
 * of the channels encodes the row, the second half the column, each as {@code [sin(p·ω_i),
 * cos(p·ω_i)]} with ω_i = 10000^(−i/(dim/4)).
 *
 * <p>Fixed rather than learned: it costs no parameters, and the DJL block and the ONNX exporter
 * read the same table from here.
 */
public final class SinCosPositionEmbedding {
  private SinCosPositionEmbedding() {}

  /**
   * The table for a {@code rows × cols} grid, row-major over patches.
   *
   * @param dim embedding width, a multiple of 4
   * @return {@code rows·cols·dim} values, patch-major ([L, dim] with L = rows·cols)
   */
  public static float[] table(int dim, int rows, int cols) {
    if (dim % 4 != 0 || dim <= 0) {
      throw new IllegalArgumentException(
          "position embedding width must be a positive multiple of 4, got " + dim);
    }
    int quarter = dim / 4;
    float[] out = new float[rows * cols * dim];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        int base = (r * cols + c) * dim;
        for (int i = 0; i < quarter; i++) {
          double omega = Math.pow(10000.0, -(double) i / quarter);
          out[base + i] = (float) Math.sin(r * omega);
          out[base + quarter + i] = (float) Math.cos(r * omega);
          out[base + 2 * quarter + i] = (float) Math.sin(c * omega);
          out[base + 3 * quarter + i] = (float) Math.cos(c * omega);
        }
      }
    }
    return out;
  }
}
