package io.flowmatch.training.model;

/**
 * Architecture and size of a velocity network: one record per architecture ({@code MlpSpec}, {@code
 * UNetSpec}, {@code DitSpec} in the packages under {@code training.arch}), stored in a run's {@code
 * config.json} so the exporter can rebuild the same block. The sizes every architecture shares are
 * here; the rest belong to the record of the architecture that has them.
 */
public interface ModelSpec {
  /** The architecture's registered name, e.g. {@code mlp}. */
  String type();

  /** Hidden width (MLP), base channels (U-Net) or embedding dimension (DiT). */
  int width();

  /** Hidden layers (MLP), residual blocks per level (U-Net) or transformer blocks (DiT). */
  int depth();

  /** Size of the sinusoidal time embedding. */
  int timeEmbedDim();

  /** The same architecture with another width, depth and time-embedding size. */
  ModelSpec withSize(int width, int depth, int timeEmbedDim);
}
