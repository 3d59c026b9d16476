package io.flowmatch.inference.api;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where and how a model runs: execution provider, threads, graph optimisation and the size of one
 * model call. Immutable; each {@code with}-style method returns a new value, checked at once.
 *
 * <pre>{@code
 * Device d = Device.cpu().threads(2);          // 2 intra-op threads
 * Device g = Device.cuda().strict(true);       // fail instead of falling back to cpu
 * }</pre>
 *
 * <p>Defaults are the command line's: every core ({@code threads 0}), all graph optimisations, the
 * call size chosen from the model's graph, GPU providers falling back to cpu with a warning,
 * warnings to {@code System.err}.
 */
public final class Device {
  /** ONNX Runtime execution providers. */
  public enum Provider {
    CPU,
    CUDA,
    /** TensorRT, with CUDA behind it for the nodes TensorRT does not take. */
    TENSORRT;

    /** The command-line name: {@code cpu}, {@code cuda}, {@code tensorrt}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The provider named {@code id} ({@link #id()}).
     *
     * @throws FlowmatchException (INVALID_ARGUMENT) for an unknown name
     */
    public static Provider parse(String id) {
      return Device.parse(Provider.values(), id, "provider");
    }
  }

  /** ONNX Runtime graph optimisation levels. */
  public enum Optimization {
    ALL,
    EXTENDED,
    BASIC,
    NONE;

    /** The command-line name: {@code all}, {@code extended}, {@code basic}, {@code none}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The level named {@code id} ({@link #id()}).
     *
     * @throws FlowmatchException (INVALID_ARGUMENT) for an unknown name
     */
    public static Optimization parse(String id) {
      return Device.parse(Optimization.values(), id, "optimization level");
    }
  }

  private static <E extends Enum<E>> E parse(E[] values, String id, String what) {
    for (E e : values) {
      if (e.name().toLowerCase(Locale.ROOT).equals(id)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : values) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw FlowmatchException.invalidArgument(
        "unknown " + what + " '" + id + "', expected one of: " + String.join(", ", names));
  }

  /** {@link #callBatch(int)} value that lets flowmatch choose the call size (the default). */
  public static final int AUTO_CALL_BATCH = FieldOptions.AUTO_BATCH;

  private final Provider provider;
  private final boolean strict;
  private final int threads;
  private final Optimization optimization;
  private final int callBatch;
  private final Consumer<String> warnings;

  private Device(
      Provider provider,
      boolean strict,
      int threads,
      Optimization optimization,
      int callBatch,
      Consumer<String> warnings) {
    this.provider = provider;
    this.strict = strict;
    this.threads = threads;
    this.optimization = optimization;
    this.callBatch = callBatch;
    this.warnings = warnings;
  }

  /** The ONNX Runtime CPU provider. */
  public static Device cpu() {
    return of(Provider.CPU);
  }

  /** CUDA (falls back to cpu with a warning unless {@link #strict(boolean) strict}). */
  public static Device cuda() {
    return of(Provider.CUDA);
  }

  /** TensorRT over CUDA (falls back to cpu with a warning unless strict). */
  public static Device tensorrt() {
    return of(Provider.TENSORRT);
  }

  /** The given provider with default settings. */
  public static Device of(Provider provider) {
    return new Device(
        Objects.requireNonNull(provider, "provider"),
        false,
        0,
        Optimization.ALL,
        AUTO_CALL_BATCH,
        line -> System.err.println("warning: " + line));
  }

  /**
   * Intra-op threads of ONNX Runtime; 0 (the default) means one per core.
   *
   * @throws FlowmatchException (INVALID_ARGUMENT) for a negative count
   */
  public Device threads(int count) {
    if (count < 0) {
      throw FlowmatchException.invalidArgument(
          "threads must be 0 (one per core) or a positive integer, got " + count);
    }
    return new Device(provider, strict, count, optimization, callBatch, warnings);
  }

  /** Whether a GPU provider that cannot load fails the open instead of falling back to cpu. */
  public Device strict(boolean value) {
    return new Device(provider, value, threads, optimization, callBatch, warnings);
  }

  /** Graph optimisation level (default {@link Optimization#ALL}). */
  public Device optimization(Optimization level) {
    return new Device(
        provider,
        strict,
        threads,
        Objects.requireNonNull(level, "optimization"),
        callBatch,
        warnings);
  }

  /**
   * Most samples per model call, or {@link #AUTO_CALL_BATCH} (the default).
   *
   * @throws FlowmatchException (INVALID_ARGUMENT) for a negative size
   */
  public Device callBatch(int samples) {
    if (samples < 0) {
      throw FlowmatchException.invalidArgument(
          "call batch must be a positive integer or AUTO_CALL_BATCH, got " + samples);
    }
    return new Device(provider, strict, threads, optimization, samples, warnings);
  }

  /** Where warnings go, one line each, e.g. a GPU provider falling back to cpu. */
  public Device onWarning(Consumer<String> sink) {
    return new Device(
        provider, strict, threads, optimization, callBatch, Objects.requireNonNull(sink, "sink"));
  }

  public Provider provider() {
    return provider;
  }

  public boolean strict() {
    return strict;
  }

  public int threads() {
    return threads;
  }

  public Optimization optimization() {
    return optimization;
  }

  public int callBatch() {
    return callBatch;
  }

  /** The field options these settings stand for. */
  FieldOptions fieldOptions(int[] sampleShape) {
    return new FieldOptions(
        provider.id(), strict, threads, optimization.id(), callBatch, sampleShape, warnings);
  }

  @Override
  public String toString() {
    return provider.id() + (threads == 0 ? "" : " (" + threads + " threads)");
  }
}
