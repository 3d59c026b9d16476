package io.flowmatch.spark;

import io.flowmatch.inference.api.QualityMetrics;
import io.flowmatch.inference.dataset.DatasetRegistry;
import io.flowmatch.inference.dataset.MixtureMetadata;
import io.flowmatch.inference.dataset.ReferenceData;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.metrics.PointCloudMetrics;
import java.util.Map;
import java.util.Optional;

/**
 * The point-cloud data of a Spark solver sweep: for low-dimensional samples of a model whose data
 * can be drawn here (a 2-D toy set or the Gaussian mixture in its metadata), the same fresh draws
 * {@code flowmatch compare} makes for the same n and seed, for the library's point-cloud metrics
 * (energy distance, sliced W2), scored on the driver from the gathered samples (the metrics need
 * all of them at once; at most {@value PointCloudMetrics#MAX_DIMENSION} values a sample keep that
 * small). Image quality (Fréchet distance with a classifier) is aggregated instead: {@link
 * CompareJob}.
 */
public final class SweepQuality {
  private SweepQuality() {}

  /** The data for {@code n} samples of a model with this metadata, or empty. */
  public static Optional<ReferenceData> forModel(
      Map<String, String> metadata, int[] shape, int n, long seed) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size > PointCloudMetrics.MAX_DIMENSION) {
      return Optional.empty();
    }
    int m = Math.max(n, QualityMetrics.DEFAULT_REFERENCE);
    String dataset = metadata.get(ModelMetadata.DATASET);
    if (dataset != null && DatasetRegistry.isToy(dataset) && size == 2) {
      return Optional.of(ReferenceData.ofToy(dataset, m, n, seed));
    }
    var mixture = MixtureMetadata.of(metadata);
    if (mixture.isPresent() && mixture.get().dimension() == size) {
      return Optional.of(
          ReferenceData.ofMixture(
              mixture.get(), dataset != null ? dataset : "mixture", m, n, seed));
    }
    return Optional.empty();
  }
}
