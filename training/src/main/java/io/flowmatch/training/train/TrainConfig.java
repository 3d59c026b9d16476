package io.flowmatch.training.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.model.ModelSpec;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that determines a training run; written to {@code config.json} in the run folder.
 * Two runs with equal configs produce the same losses step for step (on the same thread count).
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
 * @param schedule {@code constant} or {@code cosine} (to zero at the last step) after warm-up
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
 * @param threads PyTorch intra-op threads the run was started with, 0 for all cores (a resumed
 *     run uses them unless told otherwise)
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

  public static final java.util.List<String> SCHEDULES = java.util.List.of("constant", "cosine");
  public static final java.util.List<String> TIME_SAMPLINGS = java.util.List.of("uniform", "logit-normal");

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  public TrainConfig {
    pathParams = pathParams == null ? Map.of() : new TreeMap<>(pathParams);
  }

  /** A config without saved threads or device (all cores, cpu). */
  public TrainConfig(
      String dataset, String dataDir, int[] sampleShape, double[] dataRange, ModelSpec model,
      String path, Map<String, Double> pathParams, String precision, long seed, int steps,
      int batch, double lr, int warmup, String schedule, double weightDecay, double beta1,
      double beta2, double eps, double clipNorm, double emaDecay, String timeSampling,
      int checkpointEvery, int sampleEvery, double lossScale, int lossScaleWindow) {
    this(dataset, dataDir, sampleShape, dataRange, model, path, pathParams, precision, seed, steps,
        batch, lr, warmup, schedule, weightDecay, beta1, beta2, eps, clipNorm, emaDecay,
        timeSampling, checkpointEvery, sampleEvery, lossScale, lossScaleWindow, 0, null);
  }

  /** The same config run with other threads (0: all cores) and device (they do not change the result's meaning). */
  public TrainConfig withRuntime(int newThreads, String newDevice) {
    return new TrainConfig(
        dataset, dataDir, sampleShape, dataRange, model, path, pathParams, precision, seed, steps,
        batch, lr, warmup, schedule, weightDecay, beta1, beta2, eps, clipNorm, emaDecay,
        timeSampling, checkpointEvery, sampleEvery, lossScale, lossScaleWindow, newThreads, newDevice);
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
    return new TrainConfig(
        dataset, dataDir, sampleShape, dataRange, model, path, pathParams, precision, seed, newSteps,
        batch, lr, warmup, schedule, weightDecay, beta1, beta2, eps, clipNorm, emaDecay,
        timeSampling, checkpointEvery, sampleEvery, lossScale, lossScaleWindow, threads, device);
  }

  /** The same config with other checkpoint and preview intervals (they do not change the result). */
  public TrainConfig withIntervals(int newCheckpointEvery, int newSampleEvery) {
    return new TrainConfig(
        dataset, dataDir, sampleShape, dataRange, model, path, pathParams, precision, seed, steps,
        batch, lr, warmup, schedule, weightDecay, beta1, beta2, eps, clipNorm, emaDecay,
        timeSampling, newCheckpointEvery, newSampleEvery, lossScale, lossScaleWindow, threads, device);
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
    if (c == null || c.dataset == null || c.model == null || c.sampleShape == null || c.path == null
        || c.precision == null) {
      throw FlowmatchException.invalidArgument(
          "config.json is missing dataset, model, sampleShape, path or precision");
    }
    return c;
  }
}
