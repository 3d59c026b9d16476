package io.flowmatch.training.classifier;

import io.flowmatch.inference.dataset.CorruptDataException;
import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.dataset.IdxLabels;
import io.flowmatch.inference.error.FlowmatchException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One split of an IDX image set with its labels, pixels scaled to [-1, 1] (the range the flow
 * models generate in), held as one float array [count, 1, rows, cols].
 */
public final class LabelledImages {
  /** Split prefixes of the IDX files as distributed: {@code train-…} and {@code t10k-…}. */
  public enum Split {
    TRAIN("train"),
    TEST("t10k");

    final String prefix;

    Split(String prefix) {
      this.prefix = prefix;
    }
  }

  private final float[] pixels;
  private final int[] labels;
  private final int rows;
  private final int cols;

  LabelledImages(float[] pixels, int[] labels, int rows, int cols) {
    this.pixels = pixels;
    this.labels = labels;
    this.rows = rows;
    this.cols = cols;
  }

  /**
   * Reads {@code PREFIX-images-idx3-ubyte[.gz]} and {@code PREFIX-labels-idx1-ubyte[.gz]} from
   * {@code dir}.
   *
   * @throws FlowmatchException a file is missing
   * @throws CorruptDataException the files are malformed or their counts differ
   */
  public static LabelledImages read(Path dir, Split split, int classes) throws IOException {
    Path imageFile = find(dir, split.prefix + "-images-idx3-ubyte");
    Path labelFile = find(dir, split.prefix + "-labels-idx1-ubyte");
    IdxImages.Pixels images = IdxImages.readPixels(imageFile);
    int[] labels = IdxLabels.read(labelFile, classes);
    if (labels.length != images.count()) {
      throw new CorruptDataException(
          "IDX files disagree: "
              + imageFile
              + " holds "
              + images.count()
              + " images, "
              + labelFile
              + " "
              + labels.length
              + " labels");
    }
    return new LabelledImages(images.scaled(-1, 1), labels, images.rows(), images.cols());
  }

  private static Path find(Path dir, String base) {
    return IdxImages.find(dir, base)
        .orElseThrow(
            () ->
                FlowmatchException.invalidArgument(
                    "data folder " + dir + " has no " + base + ".gz (nor " + base + ")"));
  }

  /** The first {@code n} images (or all when there are fewer). */
  public LabelledImages head(int n) {
    int k = Math.min(n, size());
    float[] p = java.util.Arrays.copyOf(pixels, k * rows * cols);
    return new LabelledImages(p, java.util.Arrays.copyOf(labels, k), rows, cols);
  }

  public int size() {
    return labels.length;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** Pixels of all images, [size, 1, rows, cols] flattened; not a copy. */
  public float[] pixels() {
    return pixels;
  }

  /** Labels in [0, classes); not a copy. */
  public int[] labels() {
    return labels;
  }

  /** Copies image {@code index} into {@code dst} at {@code offset}. */
  public void copyImage(int index, float[] dst, int offset) {
    int per = rows * cols;
    System.arraycopy(pixels, index * per, dst, offset, per);
  }
}
