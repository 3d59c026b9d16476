package io.flowmatch.training.arch;

import ai.djl.nn.Block;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.arch.dit.DitSpec;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.arch.unet.UNetSpec;
import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered architectures: the one place that lists them. A new architecture (its own package
 * under {@code training.arch}, see {@code docs/extending.md}) adds one line to the static block
 * below.
 */
public final class Architectures {
  private Architectures() {}

  /** The architecture {@code train} uses when {@code --model} is not given. */
  public static final String DEFAULT = MlpSpec.TYPE;

  /** Every architecture by name, in the order help text lists them. */
  private static final Map<String, Architecture<?>> BY_NAME = new LinkedHashMap<>();

  static {
    // one line per architecture; each lives in its own package under training.arch
    register(MlpSpec.ARCHITECTURE);
    register(UNetSpec.ARCHITECTURE);
    register(DitSpec.ARCHITECTURE);
  }

  private static void register(Architecture<?> a) {
    if (BY_NAME.putIfAbsent(a.name(), a) != null) {
      throw new IllegalStateException("architecture '" + a.name() + "' registered twice");
    }
  }

  /** Valid architecture names, e.g. {@code [mlp, unet, dit]}. */
  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * The architecture called {@code name}.
   *
   * @throws FlowmatchException (INVALID_ARGUMENT) naming the valid ones when there is none
   */
  public static Architecture<?> of(String name) {
    Architecture<?> a = BY_NAME.get(name);
    if (a == null) {
      throw FlowmatchException.invalidArgument(
          "unknown model '" + name + "', expected one of " + String.join(", ", names()));
    }
    return a;
  }

  /** The default spec of {@code name} (see {@link Architecture#defaults()}). */
  public static ModelSpec defaults(String name) {
    return of(name).defaults();
  }

  /** An uninitialised block of {@code spec} for samples of {@code sampleShape}. */
  public static Block newBlock(ModelSpec spec, int[] sampleShape) {
    return newBlock(of(spec.type()), spec, sampleShape);
  }

  /** Number of trainable scalars of the block {@code spec} builds. */
  public static long parameterCount(ModelSpec spec, int[] sampleShape) {
    return parameterCount(of(spec.type()), spec, sampleShape);
  }

  private static <S extends ModelSpec> Block newBlock(
      Architecture<S> a, ModelSpec spec, int[] sampleShape) {
    return a.newBlock(a.cast(spec), sampleShape);
  }

  private static <S extends ModelSpec> long parameterCount(
      Architecture<S> a, ModelSpec spec, int[] sampleShape) {
    return a.parameterCount(a.cast(spec), sampleShape);
  }
}
