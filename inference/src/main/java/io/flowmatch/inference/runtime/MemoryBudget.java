package io.flowmatch.inference.runtime;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;

/**
 * Size checks made before allocating: a request (batch × values per sample, frames, a file header's
 * counts) that cannot fit one Java array or the JVM's heap fails with one line saying what was
 * asked and what fits, instead of an {@link OutOfMemoryError} or an integer overflow deep inside.
 */
public final class MemoryBudget {
  /** The largest Java array the JVM reliably allocates. */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private MemoryBudget() {}

  /**
   * Checks that {@code arrays} float arrays of {@code count × perItem} values each fit.
   *
   * @param what what is being sized, e.g. {@code "a batch of 1000 samples"}
   * @param count items (samples, frames, images)
   * @param perItem values per item (0 or more)
   * @param arrays how many such arrays the operation holds at once (at least 1)
   * @param hint what to change, e.g. {@code "choose a smaller --batch"}
   * @return {@code count × perItem}, which fits an int
   * @throws FlowmatchException (RESOURCE_LIMIT) it does not fit
   */
  public static int floats(String what, long count, long perItem, int arrays, String hint) {
    if (count < 0 || perItem < 0) {
      throw FlowmatchException.invalidArgument(what + ": negative size " + count + " × " + perItem);
    }
    long values;
    try {
      values = Math.multiplyExact(count, perItem);
    } catch (ArithmeticException e) {
      values = Long.MAX_VALUE;
    }
    if (values > MAX_ARRAY) {
      throw FlowmatchException.resourceLimit(
          what
              + " of "
              + perItem
              + " values each is "
              + (values == Long.MAX_VALUE ? "over 2^63" : values)
              + " values, more than one Java array holds ("
              + MAX_ARRAY
              + "); "
              + hint);
    }
    long bytes = values * 4L * Math.max(1, arrays);
    long max = Runtime.getRuntime().maxMemory();
    if (max != Long.MAX_VALUE && bytes > max) {
      throw FlowmatchException.resourceLimit(
          what
              + " of "
              + perItem
              + " values each needs "
              + mib(bytes)
              + " ("
              + Math.max(1, arrays)
              + " float arrays), more than the JVM's maximum heap of "
              + mib(max)
              + "; "
              + hint);
    }
    return (int) values;
  }

  /** Bytes as MiB with one decimal, e.g. {@code 14305.1 MiB}. */
  public static String mib(long bytes) {
    return Numbers.fixed(bytes / (1024.0 * 1024.0), 1) + " MiB";
  }
}
