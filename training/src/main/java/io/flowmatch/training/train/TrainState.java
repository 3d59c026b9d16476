package io.flowmatch.training.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.flowmatch.inference.error.FlowmatchException;

/**
 * {@code checkpoint/state.json}: where a run stands. The random streams need no state of their own:
 * every step's batch, noise and times are derived from (seed, step).
 *
 * @param step optimizer steps completed (including skipped fp16 steps)
 * @param updates updates AdamW applied (drives its bias correction and the EMA ramp)
 * @param lossScale current loss scale (1 in fp32)
 * @param goodSteps good steps since the loss scale last changed
 * @param skippedSteps fp16 steps skipped for overflow so far
 * @param lastLoss loss of the last step
 * @param seed the run's seed
 * @param rng how the random streams are derived (documentation for the reader of the file)
 */
public record TrainState(
    long step,
    long updates,
    double lossScale,
    int goodSteps,
    long skippedSteps,
    double lastLoss,
    long seed,
    String rng) {

  public static final String RNG =
      "SplittableRandom(SplitMix64(seed, stream, step)) per step; nothing to restore";

  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  public String toJson() {
    return GSON.toJson(this);
  }

  public static TrainState fromJson(String json) {
    TrainState s;
    try {
      s = GSON.fromJson(json, TrainState.class);
    } catch (RuntimeException e) {
      // Gson's message is a parser trace; name only the problem
      throw FlowmatchException.invalidArgument(
          "state.json is not valid JSON for a checkpoint state");
    }
    if (s == null) {
      throw FlowmatchException.invalidArgument("state.json is empty");
    }
    return s;
  }
}
