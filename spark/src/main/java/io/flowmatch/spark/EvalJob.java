package io.flowmatch.spark;

import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.metrics.ClassHistogram;
import io.flowmatch.inference.metrics.FrechetDistance;
import io.flowmatch.inference.metrics.GaussianStats;
import io.flowmatch.inference.metrics.OnnxClassifier;
import io.flowmatch.inference.plot.ValueRange;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Distributed {@code flowmatch eval} for image models: the Fréchet distance of classifier features
 * and the class histogram's total variation, of the samples against the model's image set (training
 * images as the reference, test images as the floor, as {@code eval} does).
 *
 * <p>Every part is a task: shards of samples (drawn on the executors exactly as {@code spark
 * sample} draws them, or read from its output folder) and ranges of the reference and floor images.
 * Each task returns only {@link EvalStats}; one {@code treeAggregate} sums them per part, so the
 * driver holds three sets of moments whatever the number of samples. The scores equal the
 * single-machine {@code eval}'s up to the order of floating-point summation.
 */
public final class EvalJob {
  /** Images per reference or floor task. */
  static final int IMAGES_PER_TASK = 2000;

  /** The reference holds this many images, or n if more (as {@code eval}). */
  static final int DEFAULT_REFERENCE = 10_000;

  private static final int SAMPLES = 0;
  private static final int REFERENCE = 1;
  private static final int FLOOR = 2;

  /** Pixels of the image files, read once per executor JVM. */
  private static final Map<String, IdxImages.Pixels> PIXELS = new ConcurrentHashMap<>();

  private EvalJob() {}

  /**
   * What to score.
   *
   * @param samples the sampling request; its shards are drawn on the executors
   * @param samplesDir a {@code spark sample} output folder, or a {@code .npy} file of samples
   *     (shape [N, ...data shape], as {@code sample --save-npy} writes), to score instead of
   *     drawing; or null
   * @param classifier classifier model path
   * @param dataDir folder of the image set's IDX files
   * @param dataN reference images (0: {@value #DEFAULT_REFERENCE} or n if more)
   * @param classifierThreads classifier intra-op threads per executor (0: the executor's cores)
   */
  public record Request(
      SampleSpec samples,
      String samplesDir,
      String classifier,
      String dataDir,
      int dataN,
      int classifierThreads)
      implements Serializable {}

  /** The scores, their floors (NaN when the test set is smaller than n), and the histograms. */
  public record Result(
      long n,
      double fd,
      double classTv,
      double floorFd,
      double floorClassTv,
      ClassHistogram samples,
      ClassHistogram data,
      long referenceCount,
      long floorCount,
      String dataset,
      int tasks,
      long wallNanos) {}

  /** One unit of work: a shard of samples, or a range of images of one file. */
  record Task(int part, ShardPlan.Shard shard, String file, int first, int count)
      implements Serializable {}

  public static Result run(JavaSparkContext sc, Request request) {
    long start = System.nanoTime();
    SampleSpec spec = request.samples().check();
    Map<String, String> metadata;
    int[] shape;
    try (OnnxVelocityField field =
        OnnxVelocityField.open(Path.of(spec.model()), spec.fieldOptions(1))) {
      metadata = field.metadata();
      shape = field.sampleShape();
    }
    if (!Files.isRegularFile(Path.of(request.classifier()))) {
      throw FlowmatchException.invalidArgument(
          "--classifier " + request.classifier() + ": no such file");
    }
    ImageSet images = ImageSet.of(metadata, Path.of(request.dataDir()));
    String dataset = images.dataset();
    Path train = images.train();
    Path test = images.test();
    ValueRange range = range(metadata);
    double lo = range.lo();
    double hi = range.hi();
    List<ShardPlan.Shard> shards;
    long n;
    if (request.samplesDir() != null && Files.isRegularFile(Path.of(request.samplesDir()))) {
      // a .npy file (e.g. 'flowmatch sample --save-npy'): shards are row ranges of it
      n = npyRows(Path.of(request.samplesDir()), shape);
      shards = ShardPlan.of(n, spec.batch(), spec.batchesPerShard());
    } else if (request.samplesDir() != null) {
      Manifest m = Manifest.read(Path.of(request.samplesDir()));
      if (!Arrays.equals(m.shape(), shape)) {
        throw FlowmatchException.invalidArgument(
            "--samples "
                + request.samplesDir()
                + " holds samples of shape "
                + Arrays.toString(m.shape())
                + ", the model's are "
                + Arrays.toString(shape));
      }
      n = m.n();
      shards = new ArrayList<>();
      for (Manifest.Entry e : m.shards()) {
        shards.add(new ShardPlan.Shard(e.index(), e.first(), e.count()));
      }
    } else {
      n = spec.n();
      shards = ShardPlan.of(n, spec.batch(), spec.batchesPerShard());
    }
    int trainCount = images.trainCount();
    int testCount = images.testCount();
    long wantedRef = request.dataN() > 0 ? request.dataN() : Math.max(n, DEFAULT_REFERENCE);
    int m = (int) Math.min(trainCount, wantedRef);
    boolean withFloor = n <= testCount;
    List<Task> tasks = new ArrayList<>();
    for (ShardPlan.Shard s : shards) {
      tasks.add(new Task(SAMPLES, s, request.samplesDir(), 0, 0));
    }
    addRanges(tasks, REFERENCE, train.toString(), m);
    if (withFloor) {
      addRanges(tasks, FLOOR, test.toString(), (int) n);
    }
    EvalStats[] sums =
        sc.parallelize(tasks, tasks.size())
            .treeAggregate(
                zero(),
                (acc, task) -> {
                  acc[task.part()].merge(compute(request, shape, lo, hi, task));
                  return acc;
                },
                EvalJob::mergeAll,
                2);
    if (sums[SAMPLES].count() != n) {
      throw new IllegalStateException(
          "scored " + sums[SAMPLES].count() + " samples, expected " + n);
    }
    GaussianStats data = sums[REFERENCE].moments().stats();
    ClassHistogram dataClasses = sums[REFERENCE].histogram();
    ClassHistogram sampleClasses = sums[SAMPLES].histogram();
    double fd = FrechetDistance.between(sums[SAMPLES].moments().stats(), data);
    double tv = sampleClasses.totalVariation(dataClasses);
    double floorFd = Double.NaN;
    double floorTv = Double.NaN;
    if (withFloor) {
      floorFd = FrechetDistance.between(sums[FLOOR].moments().stats(), data);
      floorTv = sums[FLOOR].histogram().totalVariation(dataClasses);
    }
    return new Result(
        n,
        fd,
        tv,
        floorFd,
        floorTv,
        sampleClasses,
        dataClasses,
        m,
        withFloor ? n : 0,
        dataset,
        tasks.size(),
        System.nanoTime() - start);
  }

  /**
   * The image set a model names ({@code flowmatch.dataset}, IDX files in {@code dir}) and its
   * sizes, read from the files' headers.
   */
  record ImageSet(String dataset, Path train, Path test, int trainCount, int testCount) {
    static ImageSet of(Map<String, String> metadata, Path dir) {
      String dataset = metadata.getOrDefault(ModelMetadata.DATASET, "images");
      Path train = idxFile(dir, "train-images-idx3-ubyte", dataset);
      Path test = idxFile(dir, "t10k-images-idx3-ubyte", dataset);
      try {
        return new ImageSet(dataset, train, test, headerCount(train), headerCount(test));
      } catch (IOException e) {
        throw FlowmatchException.io(
            "cannot read the " + dataset + " images in " + dir + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The classifier's statistics of the first {@code m} training images (index 1) and of the first
   * {@code floorN} test images (index 2; none when 0), each range a task, summed by one {@code
   * treeAggregate}: the reference and floor of a sweep's image quality.
   */
  static EvalStats[] imageStats(
      JavaSparkContext sc,
      String classifier,
      int threads,
      int[] shape,
      ValueRange range,
      ImageSet images,
      int m,
      int floorN) {
    List<Task> tasks = new ArrayList<>();
    addRanges(tasks, REFERENCE, images.train().toString(), m);
    addRanges(tasks, FLOOR, images.test().toString(), floorN);
    double lo = range.lo();
    double hi = range.hi();
    return sc.parallelize(tasks, tasks.size())
        .treeAggregate(
            zero(),
            (acc, task) -> {
              acc[task.part()].merge(
                  images(
                      ExecutorResources.classifier(classifier, shape, threads),
                      shape,
                      lo,
                      hi,
                      task));
              return acc;
            },
            EvalJob::mergeAll,
            2);
  }

  private static EvalStats[] zero() {
    return new EvalStats[] {new EvalStats(), new EvalStats(), new EvalStats()};
  }

  private static EvalStats[] mergeAll(EvalStats[] a, EvalStats[] b) {
    for (int k = 0; k < a.length; k++) {
      a[k].merge(b[k]);
    }
    return a;
  }

  private static void addRanges(List<Task> tasks, int part, String file, int count) {
    for (int first = 0; first < count; first += IMAGES_PER_TASK) {
      tasks.add(new Task(part, null, file, first, Math.min(IMAGES_PER_TASK, count - first)));
    }
  }

  /** On an executor: the statistics of one task. */
  static EvalStats compute(Request request, int[] shape, double lo, double hi, Task task)
      throws IOException {
    OnnxClassifier classifier =
        ExecutorResources.classifier(request.classifier(), shape, request.classifierThreads());
    if (task.part() != SAMPLES) {
      return images(classifier, shape, lo, hi, task);
    }
    EvalStats stats = new EvalStats();
    int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    ShardPlan.Shard shard = task.shard();
    if (task.file() != null) {
      Path file = Path.of(task.file());
      long first = 0;
      if (!Files.isRegularFile(file)) {
        // a 'spark sample' folder: the shard's own file
        file = file.resolve(Manifest.read(file).shards().get(shard.index()).file());
      } else {
        first = shard.first();
      }
      try (NpyFile in = NpyFile.open(file)) {
        int batch = request.samples().batch();
        float[] x = new float[Math.multiplyExact(Math.min(batch, shard.count()), size)];
        for (int r = 0; r < shard.count(); r += batch) {
          int count = Math.min(batch, shard.count() - r);
          in.readRows(first + r, count, x, 0);
          classify(classifier, x, count, stats);
        }
      }
      return stats;
    }
    OnnxVelocityField field = ExecutorResources.field(request.samples());
    ShardSampler.integrate(
        request.samples(), shard, field, (first, m, x) -> classify(classifier, x, m, stats));
    return stats;
  }

  /** On an executor: the statistics of a range of reference or floor images. */
  private static EvalStats images(
      OnnxClassifier classifier, int[] shape, double lo, double hi, Task task) {
    EvalStats stats = new EvalStats();
    int size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    IdxImages.Pixels pixels = PIXELS.computeIfAbsent(task.file(), EvalJob::readPixels);
    float[] x = new float[Math.multiplyExact(task.count(), size)];
    for (int i = 0; i < task.count(); i++) {
      pixels.copyScaled(task.first() + i, x, i * size, lo, hi);
    }
    classify(classifier, x, task.count(), stats);
    return stats;
  }

  /** Adds the classifier's outputs on {@code n} samples to {@code stats}. */
  static void classify(OnnxClassifier classifier, float[] x, int n, EvalStats stats) {
    OnnxClassifier.Outputs out = classifier.run(x, n);
    stats.add(out.features(), out.featureSize(), out.logits(), out.classes(), n);
  }

  private static IdxImages.Pixels readPixels(String file) {
    try {
      return IdxImages.readPixels(Path.of(file));
    } catch (IOException e) {
      throw FlowmatchException.io("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Rows of a samples .npy file, checked against the model's sample shape. */
  private static long npyRows(Path file, int[] shape) {
    try (NpyFile in = NpyFile.open(file)) {
      long[] dims = in.shape();
      long[] want = new long[shape.length + 1];
      want[0] = dims.length > 0 ? dims[0] : -1;
      for (int k = 0; k < shape.length; k++) {
        want[k + 1] = shape[k];
      }
      if (!Arrays.equals(dims, want) || dims[0] < 1) {
        throw FlowmatchException.invalidArgument(
            "--samples "
                + file
                + " has shape "
                + Arrays.toString(dims)
                + ", expected [N, "
                + Arrays.toString(shape).replaceAll("[\\[\\]]", "")
                + "] with N ≥ 1");
      }
      return dims[0];
    } catch (IOException e) {
      throw FlowmatchException.io("cannot read --samples " + file + ": " + e.getMessage(), e);
    }
  }

  /** The image count in an IDX header (the images themselves are not read). */
  private static int headerCount(Path file) throws IOException {
    try (java.io.InputStream raw = Files.newInputStream(file);
        java.io.InputStream in =
            file.toString().endsWith(".gz") ? new java.util.zip.GZIPInputStream(raw) : raw;
        java.io.DataInputStream data = new java.io.DataInputStream(in)) {
      data.readInt();
      return data.readInt();
    }
  }

  static ValueRange range(Map<String, String> metadata) {
    String text = metadata.get(ModelMetadata.DATA_RANGE);
    if (text != null) {
      try {
        return ValueRange.parse(text);
      } catch (IllegalArgumentException e) {
        // as eval: an unreadable range leaves images in [-1, 1]
      }
    }
    return ValueRange.DEFAULT_IMAGE;
  }

  private static Path idxFile(Path dir, String base, String dataset) {
    java.util.Optional<Path> found = IdxImages.find(dir, base);
    if (found.isPresent()) {
      return found.get();
    }
    throw FlowmatchException.invalidArgument(
        "no "
            + base
            + "(.gz) in "
            + dir
            + " for the model's data set "
            + dataset
            + "; give --data-dir DIR");
  }
}
