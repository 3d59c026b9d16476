package io.flowmatch.inference.cli;

import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.plot.ValueRange;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Test-set images picked by index ({@code encode --test-index 0,7,42}): read from the IDX file
 * {@code t10k-images-idx3-ubyte(.gz)} of the model's image set and scaled to its data range.
 */
final class TestImages {
  private TestImages() {}

  static final String TEST_FILE = "t10k-images-idx3-ubyte";

  /**
   * The images at {@code indices}, in that order, as [indices.size(), ...shape] floats.
   *
   * @param dataDir the folder of the IDX files, or null for the model's data set's default
   * @throws UsageException for a model that does not take such images, a missing file or an index
   *     out of range (the message says the valid range)
   */
  static float[] read(
      List<Integer> indices,
      Path dataDir,
      int[] shape,
      Map<String, String> metadata,
      ValueRange range) {
    String dataset = metadata.getOrDefault(ModelMetadata.DATASET, "fashion-mnist");
    Path dir =
        dataDir != null
            ? dataDir
            : io.flowmatch.inference.dataset.DatasetRegistry.defaultDir(dataset);
    Path file = testFile(dir);
    for (int i : indices) {
      if (i < 0) {
        throw new UsageException("--test-index " + i + ": an index must be 0 or more");
      }
    }
    int needed = indices.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    IdxImages.Images images;
    try {
      images = IdxImages.read(file, Integer.MAX_VALUE, range.lo(), range.hi());
    } catch (IOException e) {
      throw new FailureException(IoMessages.of(e), e);
    }
    if (!Arrays.equals(images.sampleShape(), shape)) {
      throw new UsageException(
          "--test-index: the images in "
              + file
              + " have shape "
              + Arrays.toString(images.sampleShape())
              + ", this model's samples "
              + Arrays.toString(shape));
    }
    if (needed > images.count()) {
      throw new UsageException(
          "--test-index "
              + (needed - 1)
              + " is out of range: "
              + file
              + " holds "
              + images.count()
              + " images, valid indices are 0 to "
              + (images.count() - 1));
    }
    int size = images.rows() * images.cols();
    float[] out = new float[Math.multiplyExact(indices.size(), size)];
    for (int k = 0; k < indices.size(); k++) {
      System.arraycopy(images.data(), indices.get(k) * size, out, k * size, size);
    }
    return out;
  }

  private static Path testFile(Path dir) {
    return IdxImages.find(dir, TEST_FILE)
        .orElseThrow(
            () ->
                new UsageException(
                    "--test-index: no " + TEST_FILE + "(.gz) in " + dir + "; give --data-dir DIR"));
  }
}
