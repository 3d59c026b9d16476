package io.flowmatch.training.arch.dit;

import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;

/**
 * Size of a {@link DitVelocityNet}.
 *
 * @param width embedding dimension D (a multiple of 4 and of {@code heads})
 * @param depth transformer blocks
 * @param timeEmbedDim size of the sinusoidal time embedding
 * @param patchSize side of a square patch (divides the image height and width)
 * @param heads attention heads
 */
public record DitSpec(int width, int depth, int timeEmbedDim, int patchSize, int heads)
    implements ModelSpec {
  /** The name {@code dit}. */
  public static final String TYPE = "dit";

  /** Sensible defaults on a 2-core CPU. */
  public static final DitSpec DEFAULTS = new DitSpec(192, 6, 128, 4, 4);

  /**
   * The patch transformer (DiT) for images [C, H, W], registered in {@code
   * training.arch.Architectures}; the op classes are what a training step spends its time in.
   */
  public static final Architecture<DitSpec> ARCHITECTURE =
      Architecture.of(
          DEFAULTS, DitVelocityNet::new, DitGraph::add, Set.of(OpClass.MATMUL, OpClass.NORM));

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public DitSpec withSize(int newWidth, int newDepth, int newTimeEmbedDim) {
    return new DitSpec(newWidth, newDepth, newTimeEmbedDim, patchSize, heads);
  }
}
