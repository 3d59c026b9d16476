package io.flowmatch.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalisation of an [N, C, H, W] tensor with a per-channel scale and shift, as {@code
 * torch.nn.GroupNorm} (DJL 0.36 has none).
 *
 * <p>Computed as a layer norm over the reshaped [N, G, C/G·H·W] tensor: PyTorch's layer-norm kernel
 * accumulates the mean and variance of float16 input in float32, so a float16 working copy keeps
 * float32 statistics without a cast (DJL's {@code toType} is invisible to autograd). The ONNX
 * export ({@code GroupNormGraph}) writes the same arithmetic as an InstanceNormalization over the
 * [N, G, −1] view, which ONNX Runtime runs far faster than its LayerNormalization.
 */
public final class GroupNorm extends AbstractBlock {
  /** Added to the variance, as PyTorch's default. */
  public static final float EPSILON = 1e-5f;

  private final int groups;
  private final Parameter gamma;
  private final Parameter beta;

  /**
   * @param groups number of channel groups; must divide the channel count seen at initialisation
   */
  public GroupNorm(int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("group norm: groups must be positive, got " + groups);
    }
    this.groups = groups;
    gamma =
        addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).build());
    beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).build());
  }

  public int groups() {
    return groups;
  }

  /** Scale, shape [C]. */
  public Parameter gamma() {
    return gamma;
  }

  /** Shift, shape [C]. */
  public Parameter beta() {
    return beta;
  }

  @Override
  protected void prepare(Shape[] inputShapes) {
    long channels = inputShapes[0].get(1);
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          "group norm: " + channels + " channels do not split into " + groups + " groups");
    }
    gamma.setShape(new Shape(channels));
    beta.setShape(new Shape(channels));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    return new NDList(
        apply(
            x,
            store.getValue(gamma, x.getDevice(), training),
            store.getValue(beta, x.getDevice(), training),
            groups));
  }

  /** Normalises x [N, C, H, W] per sample and group, then scales and shifts per channel. */
  static NDArray apply(NDArray x, NDArray gamma, NDArray beta, int groups) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    long groupSize = shape.size() / (n * groups);
    NDManager m = x.getManager();
    DataType type = x.getDataType();
    Shape normalized = new Shape(groupSize);
    NDArray grouped = x.reshape(n, groups, groupSize);
    NDArray norm =
        grouped
            .getNDArrayInternal()
            .layerNorm(
                grouped, normalized, m.ones(normalized, type), m.zeros(normalized, type), EPSILON)
            .singletonOrThrow()
            .reshape(shape);
    return norm.mul(gamma.reshape(1, c, 1, 1)).add(beta.reshape(1, c, 1, 1));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
