package io.flowmatch.training.arch.unet;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attrInts;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.training.export.onnx.GraphOps;
import io.flowmatch.training.export.onnx.GroupNormGraph;
import io.flowmatch.training.export.onnx.TimeEmbeddingGraph;
import io.flowmatch.training.model.GroupNorm;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * ONNX nodes for {@link UNetVelocityNet}, with the block's parameter values as initializers.
 *
 * <p>Op choices, each matching the DJL forward:
 *
 * <ul>
 *   <li>GroupNorm: {@link GroupNormGraph} in its {@link GroupNormGraph.Form#DEFAULT default} form,
 *       Reshape [N, G, −1] → InstanceNormalization (float32, unit scale) → Reshape [N, C, H, W] →
 *       Mul γ → Add β; ORT's InstanceNormalization kernel was the fastest of the equivalent forms
 *       here. For float16 the statistics stay float32: Casts around the InstanceNormalization.
 *   <li>SiLU: Sigmoid then Mul, which ORT fuses into one kernel.
 *   <li>Attention: MatMul / Softmax / MatMul on [N·heads, ·, ·] views; Softmax in float32.
 *   <li>Upsampling: Resize nearest with float32 scales {1, 1, 2, 2}, asymmetric coordinates and
 *       floor rounding (output (i, j) copies input (⌊i/2⌋, ⌊j/2⌋)), then Conv.
 *   <li>Skip connections: Concat on the channel axis.
 * </ul>
 */
public final class UNetGraph {
  private final OnnxGraphBuilder g;
  private final int elemType;
  private final GroupNormGraph groupNorms;
  private final Map<String, String> constants = new HashMap<>();

  private UNetGraph(OnnxGraphBuilder g, int elemType, GroupNormGraph.Form groupNormForm) {
    this.g = g;
    this.elemType = elemType;
    this.groupNorms = new GroupNormGraph(g, elemType, groupNormForm);
  }

  /**
   * Adds the U-Net's nodes.
   *
   * @param block a {@link UNetVelocityNet} (float32 or float16 parameters; values are exported in
   *     {@code elemType})
   * @param spec the spec the block was built from (checked against the block)
   * @param sampleShape the data shape without the batch dimension, [C, H, W]
   * @param x name of the input images [N, C, H, W], already of element type {@code elemType}
   * @param t name of the float32 times [N]
   * @param elemType {@link OnnxGraphBuilder#FLOAT} or {@link OnnxGraphBuilder#FLOAT16}
   * @return the name of v [N, C, H, W] of element type {@code elemType}
   */
  public static String add(
      OnnxGraphBuilder g,
      Block block,
      UNetSpec spec,
      int[] sampleShape,
      String x,
      String t,
      int elemType) {
    return add(g, block, spec, sampleShape, x, t, elemType, GroupNormGraph.Form.DEFAULT);
  }

  /**
   * As {@link #add(OnnxGraphBuilder, Block, UNetSpec, int[], String, String, int)}, with the
   * GroupNorms written in the given op form (for benchmarks and parity tests of every form).
   */
  public static String add(
      OnnxGraphBuilder g,
      Block block,
      UNetSpec spec,
      int[] sampleShape,
      String x,
      String t,
      int elemType,
      GroupNormGraph.Form groupNormForm) {
    if (!(block instanceof UNetVelocityNet)) {
      throw new IllegalArgumentException(
          "unet export: expected a UNetVelocityNet block, got "
              + (block == null ? "null" : block.getClass().getSimpleName()));
    }
    if (elemType != OnnxGraphBuilder.FLOAT && elemType != OnnxGraphBuilder.FLOAT16) {
      throw new IllegalArgumentException(
          "unet export: element type must be FLOAT or FLOAT16, got " + elemType);
    }
    UNetVelocityNet net = (UNetVelocityNet) block;
    checkSpec(net.spec(), spec);
    if (sampleShape == null
        || sampleShape.length != 3
        || sampleShape[0] != net.dataChannels()
        || sampleShape[1] % net.sizeMultiple() != 0
        || sampleShape[2] % net.sizeMultiple() != 0) {
      throw new IllegalArgumentException(
          "unet export: expected a sample shape ["
              + net.dataChannels()
              + ", H, W] with H and W"
              + " multiples of "
              + net.sizeMultiple()
              + ", got "
              + Arrays.toString(sampleShape));
    }
    return new UNetGraph(g, elemType, groupNormForm)
        .network(net, sampleShape[1], sampleShape[2], x, t);
  }

  private static void checkSpec(UNetSpec built, UNetSpec given) {
    boolean same =
        built.width() == given.width()
            && built.depth() == given.depth()
            && built.timeEmbedDim() == given.timeEmbedDim()
            && Arrays.equals(built.channelMults(), given.channelMults())
            && built.attention() == given.attention()
            && built.groups() == given.groups()
            && (!built.attention() || built.heads() == given.heads());
    if (!same) {
      throw new IllegalArgumentException(
          "unet export: the spec does not describe this block (block built from "
              + describe(built)
              + ", given "
              + describe(given)
              + ")");
    }
  }

  private static String describe(UNetSpec s) {
    return s.type()
        + " width "
        + s.width()
        + " depth "
        + s.depth()
        + " mults "
        + Arrays.toString(s.channelMults())
        + " attention "
        + s.attention()
        + " groups "
        + s.groups()
        + " heads "
        + s.heads()
        + " time "
        + s.timeEmbedDim();
  }

  /** A feature map name with its static channel count and size (the batch stays symbolic). */
  private record Map4(String name, long c, long h, long w) {}

  private String network(UNetVelocityNet net, int height, int width, String x, String t) {
    String sin = TimeEmbeddingGraph.add(g, t, net.spec().timeEmbedDim(), elemType, "time");
    String e = silu(linear(sin, net.timeFc1(), "time_fc1"));
    e = silu(linear(e, net.timeFc2(), "time_fc2"));

    Map4 h = conv(new Map4(x, net.dataChannels(), height, width), net.inConv(), "in_conv");
    Deque<Map4> skips = new ArrayDeque<>();
    int l = 0;
    for (UNetVelocityNet.Level level : net.downLevels()) {
      for (int d = 0; d < level.blocks().size(); d++) {
        h = residual(h, e, level.blocks().get(d), "down" + l + "_res" + d);
        if (!level.attentions().isEmpty()) {
          h = attention(h, level.attentions().get(d), "down" + l + "_attn" + d);
        }
        skips.push(h);
      }
      if (level.resample() != null) {
        h = conv(h, (Conv2d) level.resample(), "down" + l + "_resample");
      }
      l++;
    }
    h = residual(h, e, net.middle1(), "mid_res1");
    if (net.middleAttention() != null) {
      h = attention(h, net.middleAttention(), "mid_attn");
    }
    h = residual(h, e, net.middle2(), "mid_res2");
    l = net.upLevels().size() - 1;
    for (UNetVelocityNet.Level level : net.upLevels()) {
      for (int d = 0; d < level.blocks().size(); d++) {
        Map4 skip = skips.pop();
        String cat = g.node("Concat", new String[] {h.name, skip.name}, attr("axis", 1L));
        h =
            residual(
                new Map4(cat, h.c + skip.c, h.h, h.w),
                e,
                level.blocks().get(d),
                "up" + l + "_res" + d);
        if (!level.attentions().isEmpty()) {
          h = attention(h, level.attentions().get(d), "up" + l + "_attn" + d);
        }
      }
      if (level.resample() != null) {
        h = upsample(h, (Upsample2x) level.resample(), "up" + l + "_resample");
      }
      l--;
    }
    h = groupNorm(h, net.outNorm(), "out_norm");
    return conv(new Map4(silu(h.name), h.c, h.h, h.w), net.outConv(), "out_conv").name;
  }

  // ---- blocks ----

  private Map4 residual(Map4 x, String e, ResidualBlock rb, String prefix) {
    Map4 h = groupNorm(x, rb.norm1(), prefix + ".norm1");
    h = conv(new Map4(silu(h.name), h.c, h.h, h.w), rb.conv1(), prefix + ".conv1");
    String shift = linear(e, rb.timeProj(), prefix + ".time");
    shift = g.node("Unsqueeze", new String[] {shift, longs(2, 3)});
    h = new Map4(g.node("Add", new String[] {h.name, shift}), h.c, h.h, h.w);
    h = groupNorm(h, rb.norm2(), prefix + ".norm2");
    h = conv(new Map4(silu(h.name), h.c, h.h, h.w), rb.conv2(), prefix + ".conv2");
    String residual = rb.skip() == null ? x.name : conv(x, rb.skip(), prefix + ".skip").name;
    return new Map4(g.node("Add", new String[] {residual, h.name}), h.c, h.h, h.w);
  }

  private Map4 attention(Map4 x, SelfAttention2d at, String prefix) {
    long heads = at.heads();
    long headDim = x.c / heads;
    long positions = x.h * x.w;
    Map4 h = groupNorm(x, at.norm(), prefix + ".norm");
    String qkv = conv(h, at.qkv(), prefix + ".qkv").name;
    qkv = g.node("Reshape", new String[] {qkv, longs(-1, 3, heads, headDim, positions)});
    String[] parts = {g.fresh(prefix + ".q"), g.fresh(prefix + ".k"), g.fresh(prefix + ".v")};
    g.nodeMulti("Split", "", new String[] {qkv}, parts, attr("axis", 1L), attr("num_outputs", 3L));
    String perHead = longs(-1, headDim, positions);
    String q = g.node("Reshape", new String[] {parts[0], perHead});
    String k = g.node("Reshape", new String[] {parts[1], perHead});
    String v = g.node("Reshape", new String[] {parts[2], perHead});
    q =
        g.node(
            "Mul",
            new String[] {q, g.scalar(g.fresh(prefix + ".scale"), elemType, at.queryScale())});
    String qT = g.node("Transpose", new String[] {q}, attrInts("perm", 0, 2, 1));
    String scores = toFloat(g.node("MatMul", new String[] {qT, k}));
    String weights = fromFloat(g.node("Softmax", new String[] {scores}, attr("axis", -1L)));
    String weightsT = g.node("Transpose", new String[] {weights}, attrInts("perm", 0, 2, 1));
    String mixed = g.node("MatMul", new String[] {v, weightsT});
    mixed = g.node("Reshape", new String[] {mixed, longs(-1, x.c, x.h, x.w)});
    String out = conv(new Map4(mixed, x.c, x.h, x.w), at.proj(), prefix + ".proj").name;
    return new Map4(g.node("Add", new String[] {x.name, out}), x.c, x.h, x.w);
  }

  private Map4 upsample(Map4 x, Upsample2x up, String prefix) {
    String scales =
        constants.computeIfAbsent(
            "resize_scales",
            k -> g.floats(g.fresh("resize_scales"), new float[] {1f, 1f, 2f, 2f}, 4));
    String resized =
        g.node(
            "Resize",
            new String[] {x.name, "", scales},
            attr("mode", "nearest"),
            attr("coordinate_transformation_mode", "asymmetric"),
            attr("nearest_mode", "floor"));
    return conv(new Map4(resized, x.c, 2 * x.h, 2 * x.w), up.conv(), prefix + ".conv");
  }

  private Map4 groupNorm(Map4 x, GroupNorm norm, String prefix) {
    String y =
        groupNorms.add(
            x.name,
            x.c,
            x.h,
            x.w,
            norm.groups(),
            GraphOps.values(norm.gamma().getArray()),
            GraphOps.values(norm.beta().getArray()),
            prefix);
    return new Map4(y, x.c, x.h, x.w);
  }

  // ---- layers ----

  private Map4 conv(Map4 x, Conv2d conv, String prefix) {
    Parameter weight = conv.getDirectParameters().get("weight");
    long[] dims = weight.getArray().getShape().getShape();
    long kh = conv.getKernelShape().get(0);
    long kw = conv.getKernelShape().get(1);
    long ph = conv.getPadding().get(0);
    long pw = conv.getPadding().get(1);
    long sh = conv.getStride().get(0);
    long sw = conv.getStride().get(1);
    String w = param(weight, prefix + ".weight", dims);
    String b = param(conv.getDirectParameters().get("bias"), prefix + ".bias", dims[0]);
    String y =
        g.node(
            "Conv",
            new String[] {x.name, w, b},
            attrInts("kernel_shape", kh, kw),
            attrInts("pads", ph, pw, ph, pw),
            attrInts("strides", sh, sw));
    long outH = (x.h + 2 * ph - kh) / sh + 1;
    long outW = (x.w + 2 * pw - kw) / sw + 1;
    return new Map4(y, dims[0], outH, outW);
  }

  /** y = x·Wᵀ + b for x [N, in] (see {@link GraphOps#linearOnRows}). */
  private String linear(String x, Linear linear, String prefix) {
    return GraphOps.linearOnRows(g, x, linear, elemType, prefix);
  }

  private String silu(String x) {
    return g.node("Mul", new String[] {x, g.node("Sigmoid", new String[] {x})});
  }

  // ---- precision ----

  /** Casts a working-type tensor to float32 for statistics (no node when already float32). */
  private String toFloat(String x) {
    return elemType == OnnxGraphBuilder.FLOAT
        ? x
        : g.node("Cast", new String[] {x}, attr("to", (long) OnnxGraphBuilder.FLOAT));
  }

  /** Casts a float32 tensor back to the working type. */
  private String fromFloat(String x) {
    return elemType == OnnxGraphBuilder.FLOAT
        ? x
        : g.node("Cast", new String[] {x}, attr("to", (long) elemType));
  }

  // ---- initializers ----

  /** A parameter's values as an initializer of the working type, reshaped to {@code dims}. */
  private String param(Parameter p, String name, long... dims) {
    return g.weights(name, elemType, GraphOps.values(p.getArray()), dims);
  }

  private String longs(long... values) {
    String key = "longs" + Arrays.toString(values);
    return constants.computeIfAbsent(key, k -> g.longs(g.fresh("shape"), values, values.length));
  }
}
