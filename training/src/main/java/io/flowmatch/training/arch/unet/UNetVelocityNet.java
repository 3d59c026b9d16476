package io.flowmatch.training.arch.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.model.GroupNorm;
import io.flowmatch.training.model.Silu;
import io.flowmatch.training.model.SinusoidalTimeEmbedding;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * A small U-Net velocity field v(x, t) for images.
 *
 * <p>Forward input {@code NDList(x [N, C, H, W], t [N] float32)}, output {@code NDList(v)} shaped
 * and typed like x (float32, or float16 for a mixed-precision working copy). H and W must be
 * divisible by 2^(levels − 1): with the default three levels, 28 → 14 → 7.
 *
 * <pre>
 *   e = silu(fc2(silu(fc1(sinusoidal(t)))))                time embedding, width 4·base
 *   h = conv3×3(x)                                          base channels
 *   down, per level l: depth × ResidualBlock(→ base·mult[l]) [+ attention at the lowest level],
 *                      each output kept as a skip; a stride-2 3×3 conv between levels
 *   middle:            ResidualBlock, attention (if enabled), ResidualBlock
 *   up, per level l from the lowest: depth × ResidualBlock(concat(h, skip) → base·mult[l])
 *                      [+ attention at the lowest level]; Upsample2x between levels
 *   v = conv3×3(silu(norm(h)))                              back to C channels
 * </pre>
 *
 * <p>Initialise with {@code initialize(manager, DataType.FLOAT32, xShape, tShape)}. The exporter
 * ({@link UNetGraph}) walks the same structure through the accessors below.
 */
public final class UNetVelocityNet extends AbstractBlock {
  private final UNetSpec spec;
  private final int dataChannels;
  private final int embedDim;
  private final Linear timeFc1;
  private final Linear timeFc2;
  private final Conv2d inConv;
  private final List<Level> down = new ArrayList<>();
  private final ResidualBlock middle1;
  private final SelfAttention2d middleAttention;
  private final ResidualBlock middle2;
  private final List<Level> up = new ArrayList<>();
  private final GroupNorm outNorm;
  private final Conv2d outConv;

  /**
   * One resolution level: residual blocks, the attention after each of them (none when attention is
   * off or the level is not the lowest), and the block that changes resolution afterwards (a
   * stride-2 {@link Conv2d} going down, an {@link Upsample2x} going up, null at the ends).
   */
  public static final class Level {
    private final List<ResidualBlock> blocks = new ArrayList<>();
    private final List<SelfAttention2d> attentions = new ArrayList<>();
    private Block resample;

    public List<ResidualBlock> blocks() {
      return Collections.unmodifiableList(blocks);
    }

    public List<SelfAttention2d> attentions() {
      return Collections.unmodifiableList(attentions);
    }

    public Block resample() {
      return resample;
    }
  }

  /**
   * @param spec a {@code unet} spec: width = base channels, depth = residual blocks per level,
   *     channelMults, attention, groups, heads, timeEmbedDim
   * @param dataChannels image channels C (1 for Fashion-MNIST)
   */
  public UNetVelocityNet(UNetSpec spec, int dataChannels) {
    validate(spec, dataChannels);
    this.spec = spec;
    this.dataChannels = dataChannels;
    int base = spec.width();
    int groups = spec.groups();
    int levels = spec.channelMults().length;
    embedDim = 4 * base;
    timeFc1 = addChildBlock("time_fc1", Linear.builder().setUnits(embedDim).build());
    timeFc2 = addChildBlock("time_fc2", Linear.builder().setUnits(embedDim).build());
    inConv = addChildBlock("in_conv", ResidualBlock.conv3x3(base, 1));

    Deque<Integer> skips = new ArrayDeque<>();
    int channels = base;
    for (int l = 0; l < levels; l++) {
      Level level = new Level();
      int out = base * spec.channelMults()[l];
      boolean lowest = l == levels - 1;
      for (int d = 0; d < spec.depth(); d++) {
        level.blocks.add(
            addChildBlock("down" + l + "_res" + d, new ResidualBlock(channels, out, groups)));
        channels = out;
        if (lowest && spec.attention()) {
          level.attentions.add(
              addChildBlock(
                  "down" + l + "_attn" + d, new SelfAttention2d(out, spec.heads(), groups)));
        }
        skips.push(channels);
      }
      if (!lowest) {
        level.resample =
            addChildBlock("down" + l + "_resample", ResidualBlock.conv3x3(channels, 2));
      }
      down.add(level);
    }

    middle1 = addChildBlock("mid_res1", new ResidualBlock(channels, channels, groups));
    middleAttention =
        spec.attention()
            ? addChildBlock("mid_attn", new SelfAttention2d(channels, spec.heads(), groups))
            : null;
    middle2 = addChildBlock("mid_res2", new ResidualBlock(channels, channels, groups));

    for (int l = levels - 1; l >= 0; l--) {
      Level level = new Level();
      int out = base * spec.channelMults()[l];
      boolean lowest = l == levels - 1;
      for (int d = 0; d < spec.depth(); d++) {
        int in = channels + skips.pop();
        level.blocks.add(addChildBlock("up" + l + "_res" + d, new ResidualBlock(in, out, groups)));
        channels = out;
        if (lowest && spec.attention()) {
          level.attentions.add(
              addChildBlock(
                  "up" + l + "_attn" + d, new SelfAttention2d(out, spec.heads(), groups)));
        }
      }
      if (l > 0) {
        level.resample = addChildBlock("up" + l + "_resample", new Upsample2x(channels));
      }
      up.add(level);
    }
    outNorm = addChildBlock("out_norm", new GroupNorm(groups));
    outConv = addChildBlock("out_conv", ResidualBlock.conv3x3(dataChannels, 1));
  }

  /**
   * The U-Net for samples of shape [C, H, W], checked before any training starts: H and W must be
   * multiples of 2^(levels − 1).
   */
  public static UNetVelocityNet forSampleShape(UNetSpec spec, int[] sampleShape) {
    int levels = spec.channelMults() == null ? 0 : spec.channelMults().length;
    int multiple = 1 << Math.max(0, levels - 1);
    if (sampleShape == null
        || sampleShape.length != 3
        || sampleShape[0] < 1
        || sampleShape[1] < 1
        || sampleShape[2] < 1
        || sampleShape[1] % multiple != 0
        || sampleShape[2] % multiple != 0) {
      throw FlowmatchException.invalidArgument(
          "u-net: expected images [C, H, W] with H and W multiples of "
              + multiple
              + " for "
              + levels
              + " levels, got "
              + Arrays.toString(sampleShape));
    }
    return new UNetVelocityNet(spec, sampleShape[0]);
  }

  private static void validate(UNetSpec spec, int dataChannels) {
    if (dataChannels < 1) {
      throw FlowmatchException.invalidArgument(
          "u-net: data channels must be positive, got " + dataChannels);
    }
    if (spec.width() < 1 || spec.depth() < 1) {
      throw FlowmatchException.invalidArgument(
          "u-net: width and depth must be positive, got " + spec.width() + " and " + spec.depth());
    }
    int[] mults = spec.channelMults();
    if (mults == null || mults.length == 0 || Arrays.stream(mults).anyMatch(m -> m < 1)) {
      throw FlowmatchException.invalidArgument(
          "u-net: channel multipliers must be one or more positive integers, got "
              + Arrays.toString(mults));
    }
    int groups = spec.groups();
    if (groups < 1) {
      throw FlowmatchException.invalidArgument("u-net: groups must be positive, got " + groups);
    }
    // Every normalised width must split into the groups: the levels' widths and their sums with
    // the skips they concatenate on the way up.
    for (int m : mults) {
      int c = spec.width() * m;
      if (c % groups != 0) {
        throw FlowmatchException.invalidArgument(
            "u-net: "
                + c
                + " channels (width "
                + spec.width()
                + " × "
                + m
                + ") do not split into "
                + groups
                + " groups");
      }
    }
    if (spec.width() % groups != 0) {
      throw FlowmatchException.invalidArgument(
          "u-net: width " + spec.width() + " does not split into " + groups + " groups");
    }
    int lowest = spec.width() * mults[mults.length - 1];
    if (spec.attention() && (spec.heads() < 1 || lowest % spec.heads() != 0)) {
      throw FlowmatchException.invalidArgument(
          "u-net: "
              + lowest
              + " channels at the lowest level do not split into "
              + spec.heads()
              + " attention heads");
    }
    if (spec.timeEmbedDim() < 2 || spec.timeEmbedDim() % 2 != 0) {
      throw FlowmatchException.invalidArgument(
          "u-net: time embedding size must be even and ≥ 2, got " + spec.timeEmbedDim());
    }
  }

  public UNetSpec spec() {
    return spec;
  }

  public int dataChannels() {
    return dataChannels;
  }

  /** Width of the time embedding after the MLP (4 × base channels). */
  public int embedDim() {
    return embedDim;
  }

  /** Height and width must be multiples of this: 2^(levels − 1). */
  public int sizeMultiple() {
    return 1 << (spec.channelMults().length - 1);
  }

  public Linear timeFc1() {
    return timeFc1;
  }

  public Linear timeFc2() {
    return timeFc2;
  }

  public Conv2d inConv() {
    return inConv;
  }

  /** Down path, finest level first. */
  public List<Level> downLevels() {
    return Collections.unmodifiableList(down);
  }

  public ResidualBlock middle1() {
    return middle1;
  }

  /** Attention in the middle block, or null when attention is off. */
  public SelfAttention2d middleAttention() {
    return middleAttention;
  }

  public ResidualBlock middle2() {
    return middle2;
  }

  /** Up path, lowest level first. */
  public List<Level> upLevels() {
    return Collections.unmodifiableList(up);
  }

  public GroupNorm outNorm() {
    return outNorm;
  }

  public Conv2d outConv() {
    return outConv;
  }

  /** Number of trainable values; the block must be initialised. */
  public long parameterCount() {
    long count = 0;
    for (Pair<String, Parameter> p : getParameters()) {
      count += p.getValue().getArray().size();
    }
    return count;
  }

  /** One line describing the architecture and its size, for logs and model cards. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "u-net: %d base channels × %s, %d residual block(s) per level, %s, %d groups, %,d parameters",
        spec.width(),
        Arrays.toString(spec.channelMults()),
        spec.depth(),
        spec.attention() ? spec.heads() + "-head attention at the lowest level" : "no attention",
        spec.groups(),
        parameterCount());
  }

  private void checkImageShape(Shape x) {
    if (x.dimension() != 4 || x.get(1) != dataChannels) {
      throw FlowmatchException.invalidArgument(
          "u-net: expected x of shape [N, " + dataChannels + ", H, W], got " + x);
    }
    int m = sizeMultiple();
    if (x.get(2) % m != 0 || x.get(3) % m != 0) {
      throw FlowmatchException.invalidArgument(
          "u-net: height and width must be multiples of "
              + m
              + " for "
              + spec.channelMults().length
              + " levels, got "
              + x.get(2)
              + "×"
              + x.get(3));
    }
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    checkImageShape(inputShapes[0]);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    long n = x.get(0);
    Shape sin = new Shape(n, spec.timeEmbedDim());
    Shape e = new Shape(n, embedDim);
    timeFc1.initialize(manager, dataType, sin);
    timeFc2.initialize(manager, dataType, e);
    inConv.initialize(manager, dataType, x);
    Shape h = inConv.getOutputShapes(new Shape[] {x})[0];
    Deque<Shape> skips = new ArrayDeque<>();
    for (Level level : down) {
      for (int d = 0; d < level.blocks.size(); d++) {
        h = init(level.blocks.get(d), manager, dataType, h, e);
        if (!level.attentions.isEmpty()) {
          h = init(level.attentions.get(d), manager, dataType, h);
        }
        skips.push(h);
      }
      if (level.resample != null) {
        h = init(level.resample, manager, dataType, h);
      }
    }
    h = init(middle1, manager, dataType, h, e);
    if (middleAttention != null) {
      h = init(middleAttention, manager, dataType, h);
    }
    h = init(middle2, manager, dataType, h, e);
    for (Level level : up) {
      for (int d = 0; d < level.blocks.size(); d++) {
        Shape skip = skips.pop();
        Shape cat = new Shape(n, h.get(1) + skip.get(1), h.get(2), h.get(3));
        h = init(level.blocks.get(d), manager, dataType, cat, e);
        if (!level.attentions.isEmpty()) {
          h = init(level.attentions.get(d), manager, dataType, h);
        }
      }
      if (level.resample != null) {
        h = init(level.resample, manager, dataType, h);
      }
    }
    outNorm.initialize(manager, dataType, h);
    outConv.initialize(manager, dataType, h);
  }

  private static Shape init(Block block, NDManager manager, DataType type, Shape... inputs) {
    block.initialize(manager, type, inputs);
    return block.getOutputShapes(inputs)[0];
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray t = inputs.get(1);
    checkImageShape(x.getShape());
    NDArray sin = SinusoidalTimeEmbedding.embed(t, spec.timeEmbedDim(), x.getDataType());
    NDArray e = Silu.apply(call(timeFc1, store, training, sin));
    e = Silu.apply(call(timeFc2, store, training, e));

    NDArray h = call(inConv, store, training, x);
    Deque<NDArray> skips = new ArrayDeque<>();
    for (Level level : down) {
      for (int d = 0; d < level.blocks.size(); d++) {
        h = call(level.blocks.get(d), store, training, h, e);
        if (!level.attentions.isEmpty()) {
          h = call(level.attentions.get(d), store, training, h);
        }
        skips.push(h);
      }
      if (level.resample != null) {
        h = call(level.resample, store, training, h);
      }
    }
    h = call(middle1, store, training, h, e);
    if (middleAttention != null) {
      h = call(middleAttention, store, training, h);
    }
    h = call(middle2, store, training, h, e);
    for (Level level : up) {
      for (int d = 0; d < level.blocks.size(); d++) {
        h = call(level.blocks.get(d), store, training, h.concat(skips.pop(), 1), e);
        if (!level.attentions.isEmpty()) {
          h = call(level.attentions.get(d), store, training, h);
        }
      }
      if (level.resample != null) {
        h = call(level.resample, store, training, h);
      }
    }
    h = Silu.apply(call(outNorm, store, training, h));
    return new NDList(call(outConv, store, training, h));
  }

  private static NDArray call(Block block, ParameterStore store, boolean training, NDArray... in) {
    return block.forward(store, new NDList(in), training).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
