package io.flowmatch.training.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.flowmatch.inference.error.FlowmatchException;

/**
 * A compact CNN for 28×28 grey images: conv 3×3 (C1) → ReLU → max-pool 2 → conv 3×3 (C2) → ReLU →
 * max-pool 2 → Linear (F, the <em>features</em>) → ReLU → dropout → Linear (classes, the
 * <em>logits</em>). Convolutions are zero-padded, so the maps are 28², 14², 7².
 *
 * <p>Input {@code x} [N, 1, 28, 28] in [-1, 1]. Output: {@code logits} [N, classes] and {@code
 * features} [N, F] — the penultimate layer before its ReLU, used for Fréchet distances
 * (pre-activation values are dense and roughly Gaussian; post-ReLU ones are a quarter zeros).
 */
public final class FashionClassifier extends AbstractBlock {
  private static final byte VERSION = 1;

  /** Image side the network is built for. */
  public static final int SIDE = 28;

  private final int channels1;
  private final int channels2;
  private final int featureDim;
  private final int classes;
  private final float dropout;
  private final Conv2d conv1;
  private final Conv2d conv2;
  private final Linear hidden;
  private final Linear out;

  /**
   * @param channels1 filters of the first convolution (e.g. 32)
   * @param channels2 filters of the second convolution (e.g. 64)
   * @param featureDim width of the feature layer (e.g. 128)
   * @param classes number of classes
   * @param dropout drop rate before the last layer while training, in [0, 1)
   */
  public FashionClassifier(
      int channels1, int channels2, int featureDim, int classes, float dropout) {
    super(VERSION);
    if (channels1 <= 0 || channels2 <= 0 || featureDim <= 0 || classes < 2) {
      throw FlowmatchException.invalidArgument(
          "classifier sizes must be positive (and classes ≥ 2), got "
              + channels1
              + ", "
              + channels2
              + ", "
              + featureDim
              + ", "
              + classes);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw FlowmatchException.invalidArgument("dropout must be in [0, 1), got " + dropout);
    }
    this.channels1 = channels1;
    this.channels2 = channels2;
    this.featureDim = featureDim;
    this.classes = classes;
    this.dropout = dropout;
    conv1 = addChildBlock("conv1", conv(channels1));
    conv2 = addChildBlock("conv2", conv(channels2));
    hidden = addChildBlock("hidden", Linear.builder().setUnits(featureDim).build());
    out = addChildBlock("out", Linear.builder().setUnits(classes).build());
  }

  /** The shipped architecture: 32 and 64 filters, 128 features, 10 classes, dropout 0.25. */
  public static FashionClassifier standard() {
    return new FashionClassifier(32, 64, 128, 10, 0.25f);
  }

  private static Conv2d conv(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    NDArray h = conv1.forward(store, new NDList(x), training).singletonOrThrow();
    h = pool(Activation.relu(h));
    h = conv2.forward(store, new NDList(h), training).singletonOrThrow();
    h = pool(Activation.relu(h));
    h = h.reshape(h.getShape().get(0), flatSize());
    NDArray features = hidden.forward(store, new NDList(h), training).singletonOrThrow();
    NDArray a = Activation.relu(features);
    if (training && dropout > 0) {
      a = Dropout.dropout(a, dropout, true).singletonOrThrow();
    }
    NDArray logits = out.forward(store, new NDList(a), training).singletonOrThrow();
    return new NDList(logits, features);
  }

  private static NDArray pool(NDArray x) {
    return Pool.maxPool2d(x, new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
  }

  /** Length of the flattened second pooled map: C2 · 7 · 7. */
  public int flatSize() {
    return channels2 * (SIDE / 4) * (SIDE / 4);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    return new Shape[] {new Shape(n, classes), new Shape(n, featureDim)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape in = inputShapes[0];
    long n = in.get(0);
    if (in.dimension() != 4 || in.get(1) != 1 || in.get(2) != SIDE || in.get(3) != SIDE) {
      throw new IllegalArgumentException("classifier input must be [N, 1, 28, 28], got " + in);
    }
    conv1.initialize(manager, dataType, in);
    conv2.initialize(manager, dataType, new Shape(n, channels1, SIDE / 2, SIDE / 2));
    hidden.initialize(manager, dataType, new Shape(n, flatSize()));
    out.initialize(manager, dataType, new Shape(n, featureDim));
  }

  Conv2d conv1() {
    return conv1;
  }

  Conv2d conv2() {
    return conv2;
  }

  Linear hidden() {
    return hidden;
  }

  Linear out() {
    return out;
  }

  public int channels1() {
    return channels1;
  }

  public int channels2() {
    return channels2;
  }

  public int featureDim() {
    return featureDim;
  }

  public int classes() {
    return classes;
  }

  public float dropout() {
    return dropout;
  }
}
