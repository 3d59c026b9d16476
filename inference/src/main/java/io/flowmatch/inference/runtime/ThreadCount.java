package io.flowmatch.inference.runtime;

import io.flowmatch.inference.error.FlowmatchException;

/**
 * The bound on a requested thread count: at most {@link #FACTOR} × the available processors. ONNX
 * Runtime and PyTorch create every thread asked for (ORT hung at 100 % CPU for minutes, memory
 * growing by 1 GB per 20 s, at 100000), and far beyond the cores they only contend.
 */
public final class ThreadCount {
  /** How many threads per available processor are still accepted. */
  public static final int FACTOR = 4;

  private ThreadCount() {}

  /** The most threads accepted on this machine. */
  public static int max() {
    return FACTOR * Runtime.getRuntime().availableProcessors();
  }

  /**
   * Checks a thread count where 0 means the runtime's default.
   *
   * @param what the option or setting, for the message (e.g. {@code --threads})
   * @throws FlowmatchException (INVALID_ARGUMENT) below 0 or above {@link #max()}
   */
  public static void check(String what, int threads) {
    if (threads < 0) {
      throw FlowmatchException.invalidArgument(
          what + " must be a positive integer (0 for the default), got " + threads);
    }
    if (threads > max()) {
      throw FlowmatchException.invalidArgument(
          what
              + " must be at most "
              + max()
              + " ("
              + FACTOR
              + " × the "
              + Runtime.getRuntime().availableProcessors()
              + " available processors), got "
              + threads);
    }
  }
}
