package io.flowmatch.training.export.onnx;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;

import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.training.model.GroupNorm;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX nodes for a group norm of an [N, C, H, W] tensor with per-channel γ and β, as {@link
 * GroupNorm}: each (sample, group) of C/G channels is normalised by its own mean and biased
 * variance (ε = {@link GroupNorm#EPSILON}), then scaled and shifted per channel.
 *
 * <p>Several equivalent op forms are kept, because ONNX Runtime's CPU kernels differ a lot in speed
 * for the same arithmetic; {@link Form#DEFAULT} is the fastest measured here (see BENCHMARKS.md).
 * Whatever the form, float16 graphs compute the statistics in float32 (a Cast before, a Cast
 * after): float16 variances of activations in the hundreds lose most of their digits.
 */
public final class GroupNormGraph {
  /** How the group norm is spelled in ONNX. */
  public enum Form {
    /**
     * Reshape [N, G, −1] → InstanceNormalization (unit scale, zero bias per group) → Reshape → Mul
     * γ → Add β. ORT's InstanceNormalization kernel normalises one (sample, group) slice at a time
     * while it is in cache.
     */
    INSTANCE_NORM,
    /**
     * Reshape [N, G, −1] → LayerNormalization over the last axis (unit scale, zero bias) → Reshape
     * → Mul γ → Add β. One kernel, but ORT 1.29's LayerNormalization is slow on long rows here.
     */
    LAYER_NORM,
    /**
     * Reshape [N, G, −1] → ReduceMean → Sub → Mul → ReduceMean → Add ε → Sqrt → Div → Reshape → Mul
     * γ → Add β: the textbook decomposition, one elementwise kernel per step.
     */
    REDUCE_MEAN,
    /**
     * Statistics as {@link #REDUCE_MEAN} (with ReduceSumSquare for the variance), but 1/σ is folded
     * into γ on the small [N, G, C/G, 1] tensor, so the full tensor sees only Sub, Mul and Add.
     */
    FOLDED_AFFINE,
    /**
     * ONNX GroupNormalization-21 (per-channel scale and bias, float32 statistics). ORT 1.29 has no
     * CPU kernel: it inlines the function body, whose variance E[x²] − E[x]² loses digits when a
     * group's mean is large against its σ.
     */
    GROUP_NORMALIZATION;

    /** The form the exporter writes. */
    public static final Form DEFAULT = INSTANCE_NORM;
  }

  private final OnnxGraphBuilder g;
  private final int elemType;
  private final Form form;
  private final Map<String, String> constants = new HashMap<>();

  /**
   * @param g the graph being built
   * @param elemType working element type of the activations ({@link OnnxGraphBuilder#FLOAT} or
   *     {@link OnnxGraphBuilder#FLOAT16})
   * @param form the op form to write
   */
  public GroupNormGraph(OnnxGraphBuilder g, int elemType, Form form) {
    if (elemType != OnnxGraphBuilder.FLOAT && elemType != OnnxGraphBuilder.FLOAT16) {
      throw new IllegalArgumentException(
          "group norm export: element type must be FLOAT or FLOAT16, got " + elemType);
    }
    this.g = g;
    this.elemType = elemType;
    this.form = form;
  }

  public Form form() {
    return form;
  }

  /**
   * Adds one group norm.
   *
   * @param x name of the input [N, C, H, W] of the working type
   * @param c channels, h and w the static spatial size (the batch stays symbolic)
   * @param groups channel groups; must divide {@code c}
   * @param gamma per-channel scale, length c
   * @param beta per-channel shift, length c
   * @param prefix name prefix of the initializers
   * @return name of the output [N, C, H, W] of the working type
   */
  public String add(
      String x, long c, long h, long w, long groups, float[] gamma, float[] beta, String prefix) {
    if (groups < 1 || c % groups != 0) {
      throw new IllegalArgumentException(
          "group norm export: " + c + " channels do not split into " + groups + " groups");
    }
    if (gamma.length != c || beta.length != c) {
      throw new IllegalArgumentException(
          "group norm export: expected "
              + c
              + " scales and shifts, got "
              + gamma.length
              + " and "
              + beta.length);
    }
    switch (form) {
      case INSTANCE_NORM:
        return affine(
            normalised(instanceNorm(grouped(x, groups), groups), c, h, w), gamma, beta, c, prefix);
      case LAYER_NORM:
        return affine(
            normalised(layerNorm(grouped(x, groups), c / groups * h * w), c, h, w),
            gamma,
            beta,
            c,
            prefix);
      case REDUCE_MEAN:
        return affine(
            normalised(reduceMeanNorm(grouped(x, groups)), c, h, w), gamma, beta, c, prefix);
      case FOLDED_AFFINE:
        return foldedAffine(x, c, h, w, groups, gamma, beta, prefix);
      case GROUP_NORMALIZATION:
        return groupNormalization(x, c, groups, gamma, beta, prefix);
      default:
        throw new IllegalStateException("unknown form " + form);
    }
  }

  // ---- normalisation without the affine, on float32 [N, G, S] ----

  /** x [N, C, H, W] of the working type as float32 [N, G, C/G·H·W]. */
  private String grouped(String x, long groups) {
    return toFloat(g.node("Reshape", new String[] {x, longs(0, groups, -1)}));
  }

  private String instanceNorm(String grouped, long groups) {
    String ones = floatsConstant("gn_ones", groups, 1f);
    String zeros = floatsConstant("gn_zeros", groups, 0f);
    return g.node(
        "InstanceNormalization",
        new String[] {grouped, ones, zeros},
        attr("epsilon", GroupNorm.EPSILON));
  }

  private String layerNorm(String grouped, long groupSize) {
    String ones = floatsConstant("ln_ones", groupSize, 1f);
    String zeros = floatsConstant("ln_zeros", groupSize, 0f);
    return g.node(
        "LayerNormalization",
        new String[] {grouped, ones, zeros},
        attr("axis", -1L),
        attr("epsilon", GroupNorm.EPSILON));
  }

  private String reduceMeanNorm(String grouped) {
    String last = longs(-1);
    String mean = g.node("ReduceMean", new String[] {grouped, last});
    String d = g.node("Sub", new String[] {grouped, mean});
    String variance = g.node("ReduceMean", new String[] {g.node("Mul", new String[] {d, d}), last});
    String sigma = g.node("Sqrt", new String[] {g.node("Add", new String[] {variance, epsilon()})});
    return g.node("Div", new String[] {d, sigma});
  }

  /** Float32 normalised [N, G, S] back to [N, C, H, W] of the working type. */
  private String normalised(String y, long c, long h, long w) {
    return g.node("Reshape", new String[] {fromFloat(y), longs(0, c, h, w)});
  }

  /** y·γ + β per channel, in the working type. */
  private String affine(String y, float[] gamma, float[] beta, long c, String prefix) {
    String scale = g.weights(prefix + ".gamma", elemType, gamma, c, 1, 1);
    String shift = g.weights(prefix + ".beta", elemType, beta, c, 1, 1);
    return g.node("Add", new String[] {g.node("Mul", new String[] {y, scale}), shift});
  }

  // ---- forms with the affine inside ----

  private String foldedAffine(
      String x, long c, long h, long w, long groups, float[] gamma, float[] beta, String prefix) {
    long perGroup = c / groups;
    long size = h * w;
    String x4 = toFloat(g.node("Reshape", new String[] {x, longs(0, groups, perGroup, size)}));
    String axes = longs(2, 3);
    String mean = g.node("ReduceMean", new String[] {x4, axes});
    String d = g.node("Sub", new String[] {x4, mean});
    String sumSq = g.node("ReduceSumSquare", new String[] {d, axes});
    String variance =
        g.node(
            "Mul",
            new String[] {sumSq, scalar("inv_count_" + perGroup * size, 1f / (perGroup * size))});
    String inverseSigma =
        g.node(
            "Reciprocal",
            new String[] {
              g.node("Sqrt", new String[] {g.node("Add", new String[] {variance, epsilon()})})
            });
    // the affine stays float32 so the float16 graph rounds once, at the end
    String scale = g.floats(prefix + ".gamma", gamma, groups, perGroup, 1);
    String shift = g.floats(prefix + ".beta", beta, groups, perGroup, 1);
    String a = g.node("Mul", new String[] {inverseSigma, scale}); // [N, G, C/G, 1]
    String y = g.node("Add", new String[] {g.node("Mul", new String[] {d, a}), shift});
    return g.node("Reshape", new String[] {fromFloat(y), longs(0, c, h, w)});
  }

  private String groupNormalization(
      String x, long c, long groups, float[] gamma, float[] beta, String prefix) {
    String scale = g.floats(prefix + ".gamma", gamma, c);
    String shift = g.floats(prefix + ".beta", beta, c);
    String y =
        g.node(
            "GroupNormalization",
            new String[] {toFloat(x), scale, shift},
            attr("epsilon", GroupNorm.EPSILON),
            attr("num_groups", groups),
            attr("stash_type", 1L));
    return fromFloat(y);
  }

  // ---- precision ----

  private String toFloat(String x) {
    return GraphOps.cast(g, x, elemType, OnnxGraphBuilder.FLOAT);
  }

  private String fromFloat(String x) {
    return GraphOps.cast(g, x, OnnxGraphBuilder.FLOAT, elemType);
  }

  // ---- shared constants ----

  private String epsilon() {
    return scalar("epsilon", GroupNorm.EPSILON);
  }

  private String scalar(String key, float value) {
    return constants.computeIfAbsent(key, k -> g.floats(g.fresh("gn_" + key), new float[] {value}));
  }

  private String floatsConstant(String prefix, long n, float value) {
    return constants.computeIfAbsent(
        prefix + "_" + n,
        k -> {
          float[] a = new float[Math.toIntExact(n)];
          Arrays.fill(a, value);
          return g.floats(g.fresh(prefix), a, n);
        });
  }

  private String longs(long... values) {
    return constants.computeIfAbsent(
        "longs" + Arrays.toString(values),
        k -> g.longs(g.fresh("gn_shape"), values, values.length));
  }
}
