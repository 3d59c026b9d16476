package io.flowmatch.inference.dataset;

import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelCard;
import java.util.Map;
import java.util.Optional;

/**
 * The Gaussian mixture of an analytic mixture model (such as {@code models/gmm8.onnx}), so that
 * fresh data samples can be drawn for quality metrics. {@link ModelCard} reads it: from the numeric
 * {@code flowmatch.mixture_*} keys, or for models written before them (the shipped gmm8) from the
 * component list {@code w=0.125 mean=(4,0) std=0.5; ...} of {@code flowmatch.description}.
 */
public final class MixtureMetadata {
  private MixtureMetadata() {}

  /** The key that holds the component list of older models. */
  public static final String DESCRIPTION = ModelCard.DESCRIPTION;

  /**
   * The mixture of a model whose {@code flowmatch.architecture} is {@code analytic-gmm}; empty for
   * any other model or metadata that does not describe a mixture.
   */
  public static Optional<GaussianMixture> of(Map<String, String> metadata) {
    ModelCard card = ModelCard.fromProps(metadata);
    return card.isAnalyticMixture() ? Optional.ofNullable(card.mixture()) : Optional.empty();
  }
}
