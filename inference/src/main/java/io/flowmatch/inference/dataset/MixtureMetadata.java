package io.flowmatch.inference.dataset;

import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recovers the Gaussian mixture of an analytic mixture model (such as {@code models/gmm8.onnx})
 * from its metadata, so that fresh data samples can be drawn for quality metrics: the model's
 * {@code flowmatch.description} lists every component as {@code w=0.125 mean=(4,0) std=0.5},
 * separated by semicolons.
 */
public final class MixtureMetadata {
  private MixtureMetadata() {}

  /** The key that holds the component list. */
  public static final String DESCRIPTION = ModelMetadata.PREFIX + "description";

  private static final Pattern COMPONENT =
      Pattern.compile("w=([^\\s;]+)\\s+mean=\\(([^)]*)\\)\\s+std=([^\\s;]+)");

  /**
   * The mixture of a model whose {@code flowmatch.architecture} is {@code analytic-gmm}; empty for
   * any other model or a description that does not parse.
   */
  public static Optional<GaussianMixture> of(Map<String, String> metadata) {
    if (!"analytic-gmm".equals(metadata.get(ModelMetadata.ARCHITECTURE))) {
      return Optional.empty();
    }
    String text = metadata.get(DESCRIPTION);
    if (text == null) {
      return Optional.empty();
    }
    List<double[]> means = new ArrayList<>();
    List<Double> stds = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    Matcher m = COMPONENT.matcher(text);
    try {
      while (m.find()) {
        weights.add(Double.parseDouble(m.group(1)));
        String[] parts = m.group(2).split(",");
        double[] mean = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          mean[i] = Double.parseDouble(parts[i].trim());
        }
        means.add(mean);
        stds.add(Double.parseDouble(m.group(3)));
      }
      if (means.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new GaussianMixture(
              means.toArray(new double[0][]),
              stds.stream().mapToDouble(Double::doubleValue).toArray(),
              weights.stream().mapToDouble(Double::doubleValue).toArray()));
    } catch (IllegalArgumentException e) {
      // a malformed number or inconsistent components: not a mixture we can sample
      return Optional.empty();
    }
  }
}
