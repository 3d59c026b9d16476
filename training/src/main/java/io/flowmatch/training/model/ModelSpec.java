package io.flowmatch.training.model;

import io.flowmatch.inference.error.FlowmatchException;

/**
 * Architecture and size of a velocity network; stored in a run's {@code config.json} so the
 * exporter can rebuild the same block.
 *
 * @param type {@code mlp}, {@code unet} or {@code dit}
 * @param width hidden width (MLP), base channels (U-Net) or embedding dimension (DiT)
 * @param depth hidden layers (MLP), residual blocks per level (U-Net) or transformer blocks (DiT)
 * @param timeEmbedDim size of the sinusoidal time embedding
 * @param patchSize DiT patch size (ignored by the others)
 * @param heads DiT / U-Net attention heads
 * @param channelMults U-Net channel multipliers per resolution level, e.g. {1, 2, 2}
 * @param attention U-Net: self-attention at the lowest resolution
 * @param groups U-Net GroupNorm groups
 */
public record ModelSpec(
    String type,
    int width,
    int depth,
    int timeEmbedDim,
    int patchSize,
    int heads,
    int[] channelMults,
    boolean attention,
    int groups) {

  /** Valid architecture names. */
  public static final java.util.List<String> TYPES = java.util.List.of("mlp", "unet", "dit");

  /** Sensible defaults for an architecture on this 2-core CPU. */
  public static ModelSpec defaults(String type) {
    switch (type) {
      case "mlp":
        return new ModelSpec("mlp", 256, 4, 64, 0, 0, new int[0], false, 0);
      case "unet":
        return new ModelSpec("unet", 32, 1, 128, 0, 4, new int[] {1, 2, 2}, true, 8);
      case "dit":
        return new ModelSpec("dit", 192, 6, 128, 4, 4, new int[0], false, 0);
      default:
        throw FlowmatchException.invalidArgument(
            "unknown model '" + type + "', expected one of " + String.join(", ", TYPES));
    }
  }
}
