package io.flowmatch.training.arch.mlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.model.SinusoidalTimeEmbedding;
import java.util.ArrayList;
import java.util.List;

/**
 * Velocity network for vector data: the flattened sample concatenated with the sinusoidal time
 * embedding, {@code depth} hidden layers of {@code width} units with SiLU, and a linear output
 * reshaped to the sample's shape.
 *
 * <p>Children, in order (the ONNX exporter relies on it): {@code hidden0 … hidden(depth−1)}, then
 * {@code out}; each is a DJL {@link Linear} (weight [out, in], bias [out]). The first layer's input
 * is {@code [x_flat (D), sin-cos embedding (timeEmbedDim)]}.
 *
 * <p>Forward: {@code NDList(x [N, ...shape] working type, t [N] float32)} → {@code NDList(v)}, v
 * like x. The embedding is computed in float32 and cast to x's type.
 */
public final class MlpVelocityNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int[] sampleShape;
  private final int dim;
  private final int timeEmbedDim;
  private final List<Linear> hidden = new ArrayList<>();
  private final Linear out;

  public MlpVelocityNet(MlpSpec spec, int[] sampleShape) {
    super(VERSION);
    if (spec.width() < 1 || spec.depth() < 1) {
      throw FlowmatchException.invalidArgument(
          "mlp needs width ≥ 1 and depth ≥ 1, got width "
              + spec.width()
              + ", depth "
              + spec.depth());
    }
    this.sampleShape = sampleShape.clone();
    int d = 1;
    for (int s : sampleShape) {
      d *= s;
    }
    this.dim = d;
    this.timeEmbedDim = spec.timeEmbedDim();
    SinusoidalTimeEmbedding.scaledFrequencies(timeEmbedDim); // validates the size
    for (int i = 0; i < spec.depth(); i++) {
      hidden.add(addChildBlock("hidden" + i, Linear.builder().setUnits(spec.width()).build()));
    }
    out = addChildBlock("out", Linear.builder().setUnits(dim).build());
  }

  /** Size of the flattened sample. */
  public int inputSize() {
    return dim;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray t = inputs.get(1);
    long n = x.getShape().get(0);
    NDArray emb = SinusoidalTimeEmbedding.embed(t, timeEmbedDim, x.getDataType());
    NDArray h = x.reshape(n, dim).concat(emb, 1);
    for (Linear layer : hidden) {
      h = layer.forward(store, new NDList(h), training).singletonOrThrow();
      h = h.mul(Activation.sigmoid(h)); // SiLU
    }
    NDArray v = out.forward(store, new NDList(h), training).singletonOrThrow();
    return new NDList(v.reshape(x.getShape()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long n = inputShapes[0].get(0);
    Shape in = new Shape(n, dim + timeEmbedDim);
    for (Linear layer : hidden) {
      layer.initialize(manager, dataType, in);
      in = layer.getOutputShapes(new Shape[] {in})[0];
    }
    out.initialize(manager, dataType, in);
  }

  /** Shape of one sample. */
  public int[] sampleShape() {
    return sampleShape.clone();
  }
}
