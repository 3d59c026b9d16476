package io.flowmatch.training.arch.mlp;

import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.precision.OpClass;
import java.util.Set;

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

  /**
   * The MLP on flattened samples (toy 2-D data and small images), registered in {@code
   * training.arch.Architectures}; the op classes are what a training step spends its time in.
   */
  public static final Architecture<MlpSpec> ARCHITECTURE =
      Architecture.of(DEFAULTS, MlpVelocityNet::new, MlpGraph::add, Set.of(OpClass.MATMUL));

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public MlpSpec withSize(int newWidth, int newDepth, int newTimeEmbedDim) {
    return new MlpSpec(newWidth, newDepth, newTimeEmbedDim);
  }
}
