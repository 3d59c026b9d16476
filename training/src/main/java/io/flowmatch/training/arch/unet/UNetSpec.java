package io.flowmatch.training.arch.unet;

import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;

/**
 * Size of a {@link UNetVelocityNet}.
 *
 * @param width base channels
 * @param depth residual blocks per level
 * @param timeEmbedDim size of the sinusoidal time embedding
 * @param heads attention heads (when {@code attention})
 * @param channelMults channel multipliers per resolution level, e.g. {1, 2, 2}
 * @param attention self-attention at the lowest resolution
 * @param groups GroupNorm groups
 */
public record UNetSpec(
    int width,
    int depth,
    int timeEmbedDim,
    int heads,
    int[] channelMults,
    boolean attention,
    int groups)
    implements ModelSpec {
  /** The name {@code unet}. */
  public static final String TYPE = "unet";

  /** Sensible defaults on a 2-core CPU. */
  public static final UNetSpec DEFAULTS = new UNetSpec(32, 1, 128, 4, new int[] {1, 2, 2}, true, 8);

  /**
   * The U-Net for images [C, H, W] (H and W multiples of 2^(levels − 1)), registered in {@code
   * training.arch.Architectures}; the op classes are what a training step spends its time in.
   */
  public static final Architecture<UNetSpec> ARCHITECTURE =
      Architecture.of(
          DEFAULTS,
          UNetVelocityNet::forSampleShape,
          UNetGraph::add,
          Set.of(OpClass.CONV, OpClass.NORM, OpClass.MATMUL));

  public UNetSpec {
    channelMults = channelMults == null ? null : channelMults.clone();
  }

  @Override
  public int[] channelMults() {
    return channelMults == null ? null : channelMults.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UNetSpec u
        && width == u.width
        && depth == u.depth
        && timeEmbedDim == u.timeEmbedDim
        && heads == u.heads
        && java.util.Arrays.equals(channelMults, u.channelMults)
        && attention == u.attention
        && groups == u.groups;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        width,
        depth,
        timeEmbedDim,
        heads,
        java.util.Arrays.hashCode(channelMults),
        attention,
        groups);
  }

  @Override
  public String toString() {
    return "UNetSpec[width="
        + width
        + ", depth="
        + depth
        + ", timeEmbedDim="
        + timeEmbedDim
        + ", heads="
        + heads
        + ", channelMults="
        + java.util.Arrays.toString(channelMults)
        + ", attention="
        + attention
        + ", groups="
        + groups
        + "]";
  }

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public UNetSpec withSize(int newWidth, int newDepth, int newTimeEmbedDim) {
    return new UNetSpec(
        newWidth, newDepth, newTimeEmbedDim, heads, channelMults, attention, groups);
  }
}
