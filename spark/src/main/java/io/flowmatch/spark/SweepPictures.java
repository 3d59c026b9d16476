package io.flowmatch.spark;

import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pictures of a sweep's samples, as {@code flowmatch compare --out} draws them: an image grid
 * of each setting's first {@value #IMAGES} samples (image models) or a scatter plot of its first
 * {@value #POINTS} (2-D models), after a picture of the data. The tasks whose shard holds some of
 * those first samples return them ({@link #keep}); nothing else of the samples reaches the driver.
 */
final class SweepPictures {
  /** Samples per image grid (as compare). */
  static final int IMAGES = 64;

  /** Points per scatter plot (as compare). */
  static final int POINTS = 200_000;

  private final Map<String, Chart> pictures = new LinkedHashMap<>();
  private final int[] shape;
  private final boolean images;
  private final ValueRange range;
  private final ScatterPlot.Bounds bounds;

  /**
   * @param data data samples to draw first (e.g. the floor set), or null
   * @param dataCount how many of them there are
   * @param dataTitle the data picture's title
   * @param boundsData 2-D models without a data range: points the plot's bounds fit, or null
   */
  SweepPictures(
      Map<String, String> metadata,
      int[] shape,
      int n,
      float[] data,
      int dataCount,
      String dataTitle,
      float[] boundsData,
      int boundsCount) {
    this.shape = shape;
    this.images = ImageGrid.isImageShape(shape);
    ModelCard card = ModelCard.fromProps(metadata);
    this.range =
        card.dataRange() != null
            ? new ValueRange(card.dataRange().lo(), card.dataRange().hi())
            : ValueRange.DEFAULT_IMAGE;
    ScatterPlot.Bounds b = null;
    if (!images && metadata.containsKey(ModelMetadata.DATA_RANGE)) {
      b = ScatterPlot.square(range);
    } else if (!images && boundsData != null) {
      b = ScatterPlot.autoBounds(boundsData, Math.min(n, boundsCount));
    }
    this.bounds = b;
    if (data != null) {
      add("data", data, Math.min(keep(shape, n), dataCount), "data: " + dataTitle);
    }
  }

  /** Whether samples of this shape are drawn (images and 2-D points). */
  static boolean drawable(int[] shape) {
    return ImageGrid.isImageShape(shape) || (shape.length == 1 && shape[0] == 2);
  }

  /** How many of the first samples a picture shows (0 for samples that are not drawn). */
  static int keep(int[] shape, int n) {
    if (!drawable(shape)) {
      return 0;
    }
    return Math.min(n, ImageGrid.isImageShape(shape) ? IMAGES : POINTS);
  }

  /** Adds the picture of a setting's first samples. */
  void add(SettingResult r, float[] first, int count) {
    String nfe =
        r.minNfe() == r.maxNfe() ? Integer.toString(r.minNfe()) : Numbers.fixed(r.meanNfe(), 1);
    add(r.setting().label(), first, count, r.setting().label() + " · NFE " + nfe);
  }

  private void add(String key, float[] samples, int count, String title) {
    Chart chart =
        images
            ? Chart.of(
                ImageGrid.render(
                    samples,
                    count,
                    shape,
                    range,
                    ImageGrid.defaultUpscale(shape[shape.length - 2])),
                title)
            : ScatterPlot.of(samples, count, bounds, title);
    pictures.put(key, chart);
  }

  /** The pictures by label, the data's first. */
  Map<String, Chart> all() {
    return pictures;
  }
}
