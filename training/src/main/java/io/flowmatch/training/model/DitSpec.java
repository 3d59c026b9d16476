package io.flowmatch.training.model;

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

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public DitSpec withSize(int newWidth, int newDepth, int newTimeEmbedDim) {
    return new DitSpec(newWidth, newDepth, newTimeEmbedDim, patchSize, heads);
  }
}
