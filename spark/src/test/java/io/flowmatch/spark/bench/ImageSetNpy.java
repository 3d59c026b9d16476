package io.flowmatch.spark.bench;

import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.NpyStreamWriter;
import io.flowmatch.inference.plot.ValueRange;
import java.nio.file.Path;

/**
 * Writes N Fashion-MNIST-style images as a float32 {@code .npy} [N, 1, 28, 28], scaled to a model's
 * data range: the training images, then the test images, repeated until N (a stand-in for N model
 * samples, so that {@code spark eval} can be measured at large N without hours of sampling). Used
 * by {@code spark/scripts/eval-heap-check.sh}.
 *
 * <pre>
 * java -cp ... io.flowmatch.spark.bench.ImageSetNpy OUT.npy N MODEL.onnx IDX_DIR
 * </pre>
 */
public final class ImageSetNpy {
  private ImageSetNpy() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    long n = Long.parseLong(args[1]);
    ValueRange range;
    try (OnnxVelocityField field =
        OnnxVelocityField.open(Path.of(args[2]), FieldOptions.defaults().withThreads(1))) {
      range = ModelCard.fromProps(field.metadata()).dataRangeOr(ValueRange.DEFAULT_IMAGE);
    }
    Path dir = Path.of(args[3]);
    IdxImages.Pixels[] sets = {
      IdxImages.readPixels(dir.resolve("train-images-idx3-ubyte.gz")),
      IdxImages.readPixels(dir.resolve("t10k-images-idx3-ubyte.gz"))
    };
    int[] shape = sets[0].sampleShape();
    int size = shape[0] * shape[1] * shape[2];
    int chunk = 1000;
    float[] x = new float[chunk * size];
    long total = (long) sets[0].count() + sets[1].count();
    try (NpyStreamWriter w = NpyStreamWriter.open(out, shape)) {
      for (long i = 0; i < n; ) {
        int m = (int) Math.min(chunk, n - i);
        for (int k = 0; k < m; k++) {
          long j = (i + k) % total;
          IdxImages.Pixels p = j < sets[0].count() ? sets[0] : sets[1];
          int index = (int) (j < sets[0].count() ? j : j - sets[0].count());
          p.copyScaled(index, x, k * size, range.lo(), range.hi());
        }
        w.append(x, m);
        i += m;
      }
      w.commit();
    }
    System.out.printf(
        "wrote %s: %d images [%d,%d,%d] in [%s, %s] (%d distinct, repeated)%n",
        out, n, shape[0], shape[1], shape[2], range.lo(), range.hi(), Math.min(n, total));
  }
}
