package io.flowmatch.inference.cli;

import io.flowmatch.inference.dataset.DatasetRegistry;
import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.dataset.MixtureMetadata;
import io.flowmatch.inference.dataset.ReferenceData;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.metrics.ClassifierMetrics;
import io.flowmatch.inference.metrics.OnnxClassifier;
import io.flowmatch.inference.metrics.PointCloudMetrics;
import io.flowmatch.inference.metrics.QualityMetric;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.progress.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import picocli.CommandLine.Option;

/**
 * Where the data that samples are scored against come from, and which metrics apply (a picocli
 * mixin of {@code compare} and {@code eval}).
 *
 * <p>Data, in order of precedence: {@code --data FILE.npy} (with {@code --floor-data}, or split:
 * its last N rows make the floor set); the image set the model names ({@code flowmatch.dataset}
 * {@code fashion-mnist} or {@code mnist}: the training images are the reference, the test images
 * the floor set); fresh draws of an analytic mixture model ({@code gmm8}). Metrics: energy distance
 * and sliced Wasserstein-2 for samples of at most {@value PointCloudMetrics#MAX_DIMENSION} values;
 * Fréchet distance and class histogram with {@code --classifier}.
 */
@HelpGroup("Quality metrics")
public final class QualityOptions {
  /**
   * Default reference size: this many data samples, or N if more (fewer if a file holds fewer). A
   * reference larger than N lowers the metric's sampling noise without changing its floor's meaning
   * (the floor set has N samples like the samples scored).
   */
  static final int DEFAULT_REFERENCE = 10_000;

  static final List<String> IMAGE_SETS = DatasetRegistry.IMAGE_SETS;

  @Option(
      names = "--data",
      paramLabel = "FILE.npy",
      description =
          "Data samples [R, ...data shape] to score against (default: what the model's metadata"
              + " names: fresh draws of an analytic mixture, or the Fashion-MNIST/MNIST training images).")
  Path data;

  @Option(
      names = "--floor-data",
      paramLabel = "FILE.npy",
      description =
          "Independent data samples for the floor (default: the last N rows of --data, or the"
              + " test images of an image set, or other fresh draws).")
  Path floorData;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Folder of the IDX files of an image set (default: /usr/share/datasets/fashion-mnist).")
  Path dataDir;

  @Option(
      names = "--data-n",
      paramLabel = "M",
      description =
          "Reference data samples (default: "
              + DEFAULT_REFERENCE
              + " or N if larger, fewer if"
              + " a file holds fewer).")
  Integer dataN;

  @Option(
      names = "--classifier",
      paramLabel = "C.onnx",
      description =
          "Image classifier (input x [N,...data shape]; outputs logits [N,K], features [N,D]):"
              + " adds the Fréchet distance of its features and the class histogram.")
  Path classifier;

  /** Checks the numbers; call before any work. */
  void check() {
    OptionChecks.positive("--data-n", dataN);
    if (floorData != null && data == null) {
      throw new UsageException("--floor-data needs --data (the reference set it is the floor of)");
    }
    for (Path p : new Path[] {data, floorData}) {
      if (p != null) {
        OptionChecks.extension(p == data ? "--data" : "--floor-data", p, ".npy", "");
      }
    }
    if (classifier != null && !Files.exists(classifier)) {
      throw new UsageException("--classifier " + classifier + ": no such file");
    }
  }

  /**
   * The metric and its floor, or none (with the reason in {@link Setup#missing}).
   *
   * @param n samples that will be scored (the floor set has as many)
   * @param seed seed of drawn data (independent streams from the noise's)
   * @param output where the classifier's pass over the reference and floor images (seconds for an
   *     image set) is reported, on {@code stderr} as {@code LABEL scoring} (nothing with --quiet)
   */
  Setup build(
      Map<String, String> metadata,
      int[] shape,
      int n,
      long seed,
      int threads,
      RunOutputOptions output,
      PrintWriter stderr,
      String label) {
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    Optional<ReferenceData> found = data(metadata, shape, size, n, seed);
    if (found.isEmpty()) {
      String dataset = metadata.get(ModelMetadata.DATASET);
      return Setup.none(
          "no data to score samples against: the model names "
              + (dataset == null
                  ? "no data set"
                  : "data set '" + dataset + "', which cannot be drawn here")
              + "; give --data FILE.npy");
    }
    ReferenceData ref = found.get();
    List<QualityMetric> parts = new ArrayList<>();
    if (size <= PointCloudMetrics.MAX_DIMENSION) {
      parts.add(
          new PointCloudMetrics(
              ref.reference(), ref.referenceCount(), size, ref.referenceDescription()));
    }
    if (classifier == null) {
      if (parts.isEmpty()) {
        return Setup.none(
            "no quality metric for samples of "
                + size
                + " values without a classifier: give --classifier C.onnx");
      }
      QualityMetric metric = QualityMetric.combine(parts);
      double[] floor = metric.score(ref.floor(), ref.floorCount());
      return new Setup(metric, floor, ref, null, null, null);
    }
    OnnxClassifier opened = OnnxClassifier.open(classifier, shape, threads);
    Setup setup = null;
    try (Progress bar =
        output == null
            ? Progress.none()
            : output.progress(
                stderr,
                label + " scoring",
                (long) ref.referenceCount() + ref.floorCount(),
                "images")) {
      opened.onClassified(counter(bar, "reference and floor data"));
      ClassifierMetrics classifierMetrics =
          new ClassifierMetrics(
              opened, ref.reference(), ref.referenceCount(), ref.referenceDescription());
      parts.add(classifierMetrics);
      QualityMetric metric = QualityMetric.combine(parts);
      double[] floor = metric.score(ref.floor(), ref.floorCount());
      setup = new Setup(metric, floor, ref, classifierMetrics, opened, null);
    } finally {
      opened.onClassified(null);
      if (setup == null) {
        opened.close();
      }
    }
    return setup;
  }

  /** Counts classified images into {@code bar}, from 0, with {@code what} after the figures. */
  static LongConsumer counter(Progress bar, String what) {
    AtomicLong done = new AtomicLong();
    return count -> bar.update(done.addAndGet(count), what);
  }

  /** A metric ready to score, with its floor; closes the classifier it holds. */
  record Setup(
      QualityMetric metric,
      double[] floor,
      ReferenceData data,
      ClassifierMetrics classifierMetrics,
      OnnxClassifier classifier,
      String missing)
      implements AutoCloseable {
    static Setup none(String why) {
      return new Setup(null, null, null, null, null, why);
    }

    /**
     * Counts the images the classifier scores from now on into {@code bar} ({@code what} after the
     * figures); nothing without a classifier. {@code null} stops the count.
     */
    void reportTo(Progress bar, String what) {
      if (classifier != null) {
        classifier.onClassified(bar == null ? null : counter(bar, what));
      }
    }

    @Override
    public void close() {
      if (classifier != null) {
        classifier.close();
      }
    }
  }

  private Optional<ReferenceData> data(
      Map<String, String> metadata, int[] shape, int size, int n, long seed) {
    if (data != null) {
      return Optional.of(fromFiles(shape, size, n));
    }
    String dataset = metadata.get(ModelMetadata.DATASET);
    if (dataset != null && IMAGE_SETS.contains(dataset)) {
      return Optional.of(fromImageSet(dataset, metadata, shape, n));
    }
    if (dataset != null && DatasetRegistry.isToy(dataset)) {
      if (size != 2) {
        throw new FailureException(
            "the model names the 2-D data set '"
                + dataset
                + "' but its samples have "
                + size
                + " values");
      }
      int m = dataN != null ? dataN : Math.max(n, DEFAULT_REFERENCE);
      return Optional.of(ReferenceData.ofToy(dataset, m, n, seed));
    }
    Optional<GaussianMixture> mixture = MixtureMetadata.of(metadata);
    if (mixture.isPresent()) {
      if (mixture.get().dimension() != size) {
        throw new FailureException(
            "the model's mixture has dimension "
                + mixture.get().dimension()
                + " but its samples have "
                + size
                + " values");
      }
      String name = dataset != null ? dataset : "mixture";
      int m = dataN != null ? dataN : Math.max(n, DEFAULT_REFERENCE);
      return Optional.of(ReferenceData.ofMixture(mixture.get(), name, m, n, seed));
    }
    return Optional.empty();
  }

  private ReferenceData fromFiles(int[] shape, int size, int n) {
    try (NpyFile main = NoiseFiles.open("--data", data);
        NpyFile second = NoiseFiles.open("--floor-data", floorData)) {
      int rows = NoiseFiles.count("--data", data, main, shape, null);
      if (second != null) {
        int floorRows = NoiseFiles.count("--floor-data", floorData, second, shape, null);
        if (floorRows < n) {
          throw new UsageException(
              "--floor-data "
                  + floorData
                  + " holds "
                  + floorRows
                  + " samples, fewer than the "
                  + n
                  + " being scored");
        }
        int m =
            dataN != null ? Math.min(dataN, rows) : Math.min(rows, Math.max(n, DEFAULT_REFERENCE));
        float[] reference = rows(main, 0, m, size);
        float[] floor = rows(second, 0, n, size);
        return new ReferenceData(
            reference,
            m,
            floor,
            n,
            size,
            m + " samples of " + data,
            n + " samples of " + floorData);
      }
      if (rows < 2L * n) {
        throw new UsageException(
            "--data "
                + data
                + " holds "
                + rows
                + " samples; need at least 2·"
                + n
                + " = "
                + 2L * n
                + " (the last "
                + n
                + " make the floor set) or give --floor-data");
      }
      int available = rows - n;
      int m =
          dataN != null
              ? Math.min(dataN, available)
              : Math.min(available, Math.max(n, DEFAULT_REFERENCE));
      float[] reference = rows(main, 0, m, size);
      float[] floor = rows(main, rows - n, n, size);
      return new ReferenceData(
          reference,
          m,
          floor,
          n,
          size,
          "the first " + m + " samples of " + data,
          "the last " + n + " samples of " + data);
    } catch (IOException e) {
      throw new FailureException("cannot read --data: " + IoMessages.of(e), e);
    }
  }

  private static float[] rows(NpyFile file, int first, int count, int size) throws IOException {
    float[] out = new float[Math.multiplyExact(count, size)];
    file.readRows(first, count, out, 0);
    return out;
  }

  private ReferenceData fromImageSet(
      String dataset, Map<String, String> metadata, int[] shape, int n) {
    Path dir = dataDir != null ? dataDir : DatasetRegistry.defaultDir(dataset);
    Path train = idxFile(dir, "train-images-idx3-ubyte", dataset);
    Path test = idxFile(dir, "t10k-images-idx3-ubyte", dataset);
    // a range that does not parse is warned about by the sampling commands; images scale to [-1, 1]
    ValueRange range = ModelCard.fromProps(metadata).dataRangeOr(ValueRange.DEFAULT_IMAGE);
    int m = dataN != null ? dataN : Math.max(n, DEFAULT_REFERENCE);
    try {
      IdxImages.Images reference = IdxImages.read(train, m, range.lo(), range.hi());
      IdxImages.Images floor = IdxImages.read(test, n, range.lo(), range.hi());
      if (!java.util.Arrays.equals(reference.sampleShape(), shape)) {
        throw new UsageException(
            dataset
                + " images in "
                + dir
                + " have shape "
                + java.util.Arrays.toString(reference.sampleShape())
                + ", the model's samples "
                + java.util.Arrays.toString(shape));
      }
      if (floor.count() < n) {
        throw new UsageException(
            "the "
                + dataset
                + " test set in "
                + dir
                + " holds "
                + floor.count()
                + " images, fewer than the "
                + n
                + " being scored; score at most "
                + floor.count());
      }
      return new ReferenceData(
          reference.data(),
          reference.count(),
          floor.data(),
          n,
          reference.data().length / reference.count(),
          reference.count() + " " + dataset + " training images",
          n + " " + dataset + " test images");
    } catch (IOException e) {
      throw new FailureException(IoMessages.of(e), e);
    }
  }

  private static Path idxFile(Path dir, String base, String dataset) {
    Optional<Path> found = IdxImages.find(dir, base);
    if (found.isPresent()) {
      return found.get();
    }
    throw new UsageException(
        "no "
            + base
            + "(.gz) in "
            + dir
            + " for the model's data set "
            + dataset
            + "; give --data-dir DIR or --data FILE.npy"
            + (dataset.equals("fashion-mnist")
                ? " (Debian: apt-get install dataset-fashion-mnist)"
                : ""));
  }
}
