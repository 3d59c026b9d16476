package io.flowmatch.training.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.path.AffinePaths;
import io.flowmatch.training.arch.ModelSpecJson;
import io.flowmatch.training.data.Datasets;
import io.flowmatch.training.data.ToyDatasets;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.path.Paths;
import io.flowmatch.training.precision.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that determines a training run; written to {@code config.json} in the run folder. Two
 * runs with equal configs produce the same losses step for step (on the same thread count). Build
 * one with {@link #builder()}, which fills in the defaults and validates every value once.
 *
 * @param dataset data set name ({@code moons}, {@code fashion-mnist}, …)
 * @param dataDir folder of image files, null for the default
 * @param sampleShape shape of one sample, e.g. {2} or {1, 28, 28}
 * @param dataRange bounds of the data, e.g. {-1, 1}
 * @param model architecture and size
 * @param path probability path name ({@code condot}, …)
 * @param pathParams path parameters, e.g. {@code sigma_min}
 * @param precision {@code fp32} or {@code fp16} (mixed)
 * @param seed seed of initialisation, batches, noise and times
 * @param steps total optimizer steps
 * @param batch samples per step
 * @param lr peak learning rate
 * @param warmup linear warm-up steps
 * @param schedule {@code constant}, {@code cosine} (to zero at the last step) or {@code wsd}
 *     (constant, then linear to zero over the last 20 % of steps) after warm-up
 * @param weightDecay AdamW decoupled weight decay
 * @param beta1 AdamW β1
 * @param beta2 AdamW β2
 * @param eps AdamW ε
 * @param clipNorm global gradient-norm bound, 0 for none
 * @param emaDecay decay of the exponential moving average of the weights
 * @param timeSampling {@code uniform} or {@code logit-normal}
 * @param checkpointEvery steps between checkpoints
 * @param sampleEvery steps between preview grids, 0 for none
 * @param lossScale initial loss scale (fp16)
 * @param lossScaleWindow good steps before the loss scale doubles (fp16)
 * @param threads PyTorch intra-op threads the run was started with, 0 for all cores (a resumed run
 *     uses them unless told otherwise)
 * @param device {@code cpu} or {@code gpu}, null for cpu (as threads)
 */
public record TrainConfig(
    String dataset,
    String dataDir,
    int[] sampleShape,
    double[] dataRange,
    ModelSpec model,
    String path,
    Map<String, Double> pathParams,
    String precision,
    long seed,
    int steps,
    int batch,
    double lr,
    int warmup,
    String schedule,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    double clipNorm,
    double emaDecay,
    String timeSampling,
    int checkpointEvery,
    int sampleEvery,
    double lossScale,
    int lossScaleWindow,
    int threads,
    String device) {

  public static final java.util.List<String> SCHEDULES =
      java.util.List.of("constant", "cosine", "wsd");
  public static final java.util.List<String> TIME_SAMPLINGS =
      java.util.List.of("uniform", "logit-normal");

  private static final Gson GSON =
      new GsonBuilder()
          .setPrettyPrinting()
          .serializeSpecialFloatingPointValues()
          .registerTypeHierarchyAdapter(ModelSpec.class, new ModelSpecJson())
          .create();

  public TrainConfig {
    pathParams = pathParams == null ? Map.of() : new TreeMap<>(pathParams);
  }

  /**
   * The same config run with other threads (0: all cores) and device (they do not change the
   * result's meaning).
   */
  public TrainConfig withRuntime(int newThreads, String newDevice) {
    return toBuilder().optThreads(newThreads).optDevice(newDevice).build();
  }

  /** Number of scalars in one sample. */
  public int sampleSize() {
    int n = 1;
    for (int d : sampleShape) {
      n *= d;
    }
    return n;
  }

  /** The same config with another total step count (a resumed run may be extended). */
  public TrainConfig withSteps(int newSteps) {
    return toBuilder().setSteps(newSteps).build();
  }

  /**
   * The same config with other checkpoint and preview intervals (they do not change the result).
   */
  public TrainConfig withIntervals(int newCheckpointEvery, int newSampleEvery) {
    return toBuilder()
        .optCheckpointEvery(newCheckpointEvery)
        .optSampleEvery(newSampleEvery)
        .build();
  }

  /** A builder for a new config; see {@link Builder} for the required values and the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every value of this config. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.dataset = dataset;
    b.dataDir = dataDir;
    b.sampleShape = sampleShape == null ? null : sampleShape.clone();
    b.dataRange = dataRange == null ? null : dataRange.clone();
    b.model = model;
    b.path = path;
    b.pathParams = new LinkedHashMap<>(pathParams);
    b.precision = precision;
    b.seed = seed;
    b.steps = steps;
    b.batch = batch;
    b.lr = lr;
    b.warmup = warmup;
    b.schedule = schedule;
    b.weightDecay = weightDecay;
    b.beta1 = beta1;
    b.beta2 = beta2;
    b.eps = eps;
    b.clipNorm = clipNorm;
    b.emaDecay = emaDecay;
    b.timeSampling = timeSampling;
    b.checkpointEvery = checkpointEvery;
    b.sampleEvery = sampleEvery;
    b.lossScale = lossScale;
    b.lossScaleWindow = lossScaleWindow;
    b.threads = threads;
    b.device = device;
    return b;
  }

  /**
   * Builds a {@link TrainConfig}: {@code setX} values are required, {@code optX} values have the
   * default named in their javadoc. {@link #build()} validates every value once and throws {@link
   * FlowmatchException} (INVALID_ARGUMENT) with a one-line message naming the value (by its {@code
   * train} option) and what was expected.
   */
  public static final class Builder {
    private String dataset;
    private String dataDir;
    private int[] sampleShape;
    private double[] dataRange;
    private ModelSpec model;
    private String path = AffinePaths.DEFAULT;
    private Map<String, Double> pathParams = new LinkedHashMap<>();
    private String precision = "fp32";
    private long seed;
    private Integer steps;
    private int batch = 256;
    private double lr = 1e-3;
    private Integer warmup;
    private String schedule = "constant";
    private double weightDecay;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double clipNorm = 1.0;
    private double emaDecay = 0.999;
    private String timeSampling = "uniform";
    private int checkpointEvery = 500;
    private int threads;
    private String device;
    private int sampleEvery = 500;
    private double lossScale = 65536;
    private int lossScaleWindow = 1000;

    private Builder() {}

    /** The data set, one of {@code Datasets.names()} (required). */
    public Builder setDataset(String name) {
      this.dataset = name;
      return this;
    }

    /** The architecture and its size (required). */
    public Builder setModel(ModelSpec spec) {
      this.model = spec;
      return this;
    }

    /** Total optimizer steps (required). */
    public Builder setSteps(int totalSteps) {
      this.steps = totalSteps;
      return this;
    }

    /** Folder of the data set's files; default null, the data set's own folder. */
    public Builder optDataDir(String dir) {
      this.dataDir = dir;
      return this;
    }

    /** Shape of one sample; default the data set's. */
    public Builder optSampleShape(int[] shape) {
      this.sampleShape = shape == null ? null : shape.clone();
      return this;
    }

    /** Bounds of the data; default {-1, 1} for images, the toy range for 2-D sets. */
    public Builder optDataRange(double[] range) {
      this.dataRange = range == null ? null : range.clone();
      return this;
    }

    /** Probability path; default {@code condot}. */
    public Builder optPath(String name) {
      this.path = name;
      return this;
    }

    /** Path parameters over the path's defaults; default none. */
    public Builder optPathParams(Map<String, Double> params) {
      this.pathParams = params == null ? new LinkedHashMap<>() : new LinkedHashMap<>(params);
      return this;
    }

    /** {@code fp32} or {@code fp16}; default {@code fp32}. */
    public Builder optPrecision(String name) {
      this.precision = name;
      return this;
    }

    /** Seed; default 0. */
    public Builder optSeed(long value) {
      this.seed = value;
      return this;
    }

    /** Samples per step; default 256. */
    public Builder optBatch(int size) {
      this.batch = size;
      return this;
    }

    /** Peak learning rate; default 1e-3. */
    public Builder optLr(double rate) {
      this.lr = rate;
      return this;
    }

    /** Warm-up steps; default min(200, steps / 10). */
    public Builder optWarmup(int stepsOfWarmup) {
      this.warmup = stepsOfWarmup;
      return this;
    }

    /** {@code constant}, {@code cosine} or {@code wsd}; default {@code constant}. */
    public Builder optSchedule(String name) {
      this.schedule = name;
      return this;
    }

    /** AdamW decoupled weight decay; default 0. */
    public Builder optWeightDecay(double value) {
      this.weightDecay = value;
      return this;
    }

    /** AdamW β1, β2 and ε; default 0.9, 0.999, 1e-8. */
    public Builder optAdam(double b1, double b2, double epsilon) {
      this.beta1 = b1;
      this.beta2 = b2;
      this.eps = epsilon;
      return this;
    }

    /** Global gradient-norm bound, 0 for none; default 1. */
    public Builder optClipNorm(double bound) {
      this.clipNorm = bound;
      return this;
    }

    /** EMA decay in [0, 1); default 0.999. */
    public Builder optEmaDecay(double decay) {
      this.emaDecay = decay;
      return this;
    }

    /** {@code uniform} or {@code logit-normal}; default {@code uniform}. */
    public Builder optTimeSampling(String name) {
      this.timeSampling = name;
      return this;
    }

    /** Steps between checkpoints; default 500. */
    public Builder optCheckpointEvery(int interval) {
      this.checkpointEvery = interval;
      return this;
    }

    /** Steps between preview grids, 0 for none; default 500. */
    public Builder optSampleEvery(int interval) {
      this.sampleEvery = interval;
      return this;
    }

    /** Initial loss scale (fp16); default 65536. */
    public Builder optLossScale(double scale) {
      this.lossScale = scale;
      return this;
    }

    /** Good steps before the loss scale doubles (fp16); default 1000. */
    public Builder optLossScaleWindow(int window) {
      this.lossScaleWindow = window;
      return this;
    }

    /** Validates every value and builds the config. */
    public TrainConfig build() {
      if (dataset == null) {
        throw FlowmatchException.invalidArgument(
            "--data is required for a new run (one of "
                + String.join(", ", Datasets.names())
                + ")");
      }
      checkChoice("--data", dataset, Datasets.names());
      if (model == null) {
        throw FlowmatchException.invalidArgument("--model is required");
      }
      Precision.parse(precision);
      if (steps == null) {
        throw FlowmatchException.invalidArgument("--steps is required for a new run");
      }
      positive("--steps", steps);
      positive("--batch", batch);
      if (!(lr > 0) || Double.isInfinite(lr)) {
        throw FlowmatchException.invalidArgument("--lr must be a positive number, got " + lr);
      }
      int warm = warmup == null ? Math.min(200, steps / 10) : warmup;
      if (warm < 0) {
        throw FlowmatchException.invalidArgument("--warmup must be ≥ 0, got " + warm);
      }
      checkChoice("--schedule", schedule, SCHEDULES);
      if (!(emaDecay >= 0 && emaDecay < 1)) {
        throw FlowmatchException.invalidArgument("--ema must lie in [0, 1), got " + emaDecay);
      }
      positive("--checkpoint-every", checkpointEvery);
      if (sampleEvery < 0) {
        throw FlowmatchException.invalidArgument("--sample-every must be ≥ 0, got " + sampleEvery);
      }
      positive("--width", model.width());
      positive("--depth", model.depth());
      int te = model.timeEmbedDim();
      if (te < 2 || te % 2 != 0) {
        throw FlowmatchException.invalidArgument(
            "--time-embed must be an even integer ≥ 2, got " + te);
      }
      checkChoice("--path", path, Paths.names());
      Map<String, Double> fullParams = new LinkedHashMap<>(Paths.defaults(path));
      fullParams.putAll(pathParams);
      Paths.create(path, fullParams); // validates names and values
      checkChoice("--time-sampling", timeSampling, TIME_SAMPLINGS);
      if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
        throw FlowmatchException.invalidArgument("--weight-decay must be ≥ 0, got " + weightDecay);
      }
      if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
        throw FlowmatchException.invalidArgument(
            "--clip must be ≥ 0 (0 for none), got " + clipNorm);
      }
      if (!(lossScale > 0) || Double.isInfinite(lossScale)) {
        throw FlowmatchException.invalidArgument(
            "--loss-scale must be a positive number, got " + lossScale);
      }
      positive("--loss-scale-window", lossScaleWindow);
      int[] shape = sampleShape != null ? sampleShape.clone() : Datasets.sampleShape(dataset);
      double[] range =
          dataRange != null
              ? dataRange.clone()
              : Datasets.IMAGE_SETS.contains(dataset)
                  ? new double[] {-1, 1}
                  : ToyDatasets.RANGE.clone();
      return new TrainConfig(
          dataset,
          dataDir,
          shape,
          range,
          model,
          path,
          fullParams,
          precision,
          seed,
          steps,
          batch,
          lr,
          warm,
          schedule,
          weightDecay,
          beta1,
          beta2,
          eps,
          clipNorm,
          emaDecay,
          timeSampling,
          checkpointEvery,
          sampleEvery,
          lossScale,
          lossScaleWindow,
          threads,
          device);
    }

    /** PyTorch intra-op threads the run is started with, 0 for all cores (default 0). */
    public Builder optThreads(int threads) {
      this.threads = threads;
      return this;
    }

    /** {@code cpu} or {@code gpu}, null for cpu (default null). */
    public Builder optDevice(String device) {
      this.device = device;
      return this;
    }

    private static void positive(String option, int value) {
      checkPositive(option, value);
    }
  }

  private static final Map<String, String> CHOICE_NAMES =
      Map.of("--data", "data set", "--time-sampling", "time sampling");

  /**
   * The check of a named choice that {@code train} and this builder share: {@code value} must be
   * one of {@code valid}, else an INVALID_ARGUMENT naming the option and the valid values.
   */
  public static void checkChoice(String option, String value, List<String> valid) {
    if (!valid.contains(value)) {
      String what = CHOICE_NAMES.getOrDefault(option, option.substring(2));
      throw FlowmatchException.invalidArgument(
          "unknown "
              + what
              + " '"
              + value
              + "' ("
              + option
              + "), expected one of "
              + String.join(", ", valid));
    }
  }

  /** A count: null (not given) or at least 1, else an INVALID_ARGUMENT naming the option. */
  public static void checkPositive(String option, Integer value) {
    if (value != null && value < 1) {
      throw FlowmatchException.invalidArgument(
          option + " must be a positive integer, got " + value);
    }
  }

  public String toJson() {
    return GSON.toJson(this);
  }

  /** Parses {@code config.json}; throws {@link IllegalArgumentException} naming what is missing. */
  public static TrainConfig fromJson(String json) {
    TrainConfig c;
    try {
      c = GSON.fromJson(json, TrainConfig.class);
    } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
      // Gson's own message is a parser trace; name only the problem
      throw FlowmatchException.invalidArgument("config.json is not valid JSON for a run config");
    }
    if (c == null
        || c.dataset == null
        || c.model == null
        || c.sampleShape == null
        || c.path == null
        || c.precision == null) {
      throw FlowmatchException.invalidArgument(
          "config.json is missing dataset, model, sampleShape, path or precision");
    }
    return c;
  }
}
