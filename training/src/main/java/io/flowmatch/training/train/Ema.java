package io.flowmatch.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.ArrayList;
import java.util.List;

/**
 * Exponential moving average of the master weights, kept in a block of its own so that it is saved,
 * loaded and exported like any model. The effective decay ramps up as {@code min(decay, (1 + n)/(10
 * + n))} over the first updates, so short runs are not dominated by the random initialisation.
 */
public final class Ema {
  private final Block block;
  private final double decay;
  private final List<NDArray> arrays = new ArrayList<>();

  /**
   * @param block an initialised block holding a copy of the master weights
   */
  public Ema(Block block, double decay) {
    if (!(decay >= 0 && decay < 1)) {
      throw FlowmatchException.invalidArgument("EMA decay must lie in [0, 1), got " + decay);
    }
    this.block = block;
    this.decay = decay;
    for (Pair<String, Parameter> p : block.getParameters()) {
      arrays.add(p.getValue().getArray());
    }
  }

  public Block block() {
    return block;
  }

  /**
   * Copies the master weights into the average (at the start of a run). In-place arithmetic rather
   * than {@code NDArray.set(Buffer)}: DJL's native set runs under PyTorch's deprecated
   * AutoNonVariableTypeMode guard, whose constructor prints a deprecation warning on every start.
   * The average's arrays are initialised weights (finite), so 0·a + m is m bit for bit.
   */
  public void reset(List<NDArray> master) {
    for (int i = 0; i < arrays.size(); i++) {
      arrays.get(i).muli(0).addi(master.get(i));
    }
  }

  /** The decay used after {@code updates} optimizer updates. */
  public double decayAt(long updates) {
    return Math.min(decay, (1.0 + updates) / (10.0 + updates));
  }

  /** Moves the average towards the master weights after an update. */
  public void update(List<NDArray> master, long updates) {
    float d = (float) decayAt(updates);
    for (int i = 0; i < arrays.size(); i++) {
      NDArray e = arrays.get(i);
      try (NDArray w = master.get(i).mul(1 - d)) {
        e.muli(d).addi(w);
      }
    }
  }
}
