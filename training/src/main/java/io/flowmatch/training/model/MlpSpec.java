package io.flowmatch.training.model;

/**
 * Size of an {@link MlpVelocityNet}.
 *
 * @param width hidden units per layer
 * @param depth hidden layers
 * @param timeEmbedDim size of the sinusoidal time embedding
 */
public record MlpSpec(int width, int depth, int timeEmbedDim) implements ModelSpec {
  /** The name {@code mlp}. */
  public static final String TYPE = "mlp";

  /** Sensible defaults on a 2-core CPU. */
  public static final MlpSpec DEFAULTS = new MlpSpec(256, 4, 64);

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public MlpSpec withSize(int newWidth, int newDepth, int newTimeEmbedDim) {
    return new MlpSpec(newWidth, newDepth, newTimeEmbedDim);
  }
}
