package io.flowmatch.training.classifier;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attrInts;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.convolutional.Conv2d;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.training.export.onnx.GraphOps;
import java.util.Map;

/**
 * The ONNX graph of a {@link FashionClassifier} (float32, opset 21, dynamic batch): input {@code x}
 * [N, 1, 28, 28], outputs {@code logits} [N, classes] and {@code features} [N, F]. Conv, Relu,
 * MaxPool, Flatten, MatMul+Add — ops every runtime has.
 */
public final class ClassifierGraph {
  private ClassifierGraph() {}

  /** Test-set accuracy of the exported weights, a fraction in [0, 1]. */
  public static final String TEST_ACCURACY = ModelMetadata.PREFIX + "test_accuracy";

  /** Name of the feature layer, so users know which activations the Fréchet distance sees. */
  public static final String FEATURE_LAYER = ModelMetadata.PREFIX + "feature_layer";

  /** The Fashion-MNIST class names in label order. */
  public static final String FASHION_MNIST_CLASSES =
      "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot";

  /**
   * Serialises the model.
   *
   * @param metadata extra {@code metadata_props} (accuracy, epochs, date…), added after the fixed
   *     ones
   */
  public static byte[] build(FashionClassifier model, Map<String, String> metadata) {
    int f32 = OnnxGraphBuilder.FLOAT;
    OnnxGraphBuilder g = new OnnxGraphBuilder("fashion_mnist_classifier");
    int side = FashionClassifier.SIDE;
    g.input("x", f32, -1, 1, side, side);
    g.output("logits", f32, -1, model.classes());
    g.output("features", f32, -1, model.featureDim());

    String h = conv(g, "x", model.conv1(), "conv1");
    h = pool(g, g.node("Relu", new String[] {h}));
    h = conv(g, h, model.conv2(), "conv2");
    h = pool(g, g.node("Relu", new String[] {h}));
    // NCHW flattened in C, H, W order, as DJL's reshape of the contiguous map
    h = g.node("Flatten", new String[] {h}, OnnxGraphBuilder.attr("axis", 1L));
    String features = GraphOps.linear(g, h, model.hidden(), f32, "hidden");
    g.nodeNamed("Identity", "features", new String[] {features});
    String a = g.node("Relu", new String[] {features});
    String logits = GraphOps.linear(g, a, model.out(), f32, "out");
    g.nodeNamed("Identity", "logits", new String[] {logits});

    g.metadata(ModelMetadata.DATASET, "fashion-mnist");
    g.metadata(ModelMetadata.DATA_SHAPE, "1," + side + "," + side);
    g.metadata(ModelMetadata.DATA_RANGE, "-1,1");
    g.metadata(ModelMetadata.CLASSES, FASHION_MNIST_CLASSES);
    g.metadata(ModelMetadata.ARCHITECTURE, "cnn-classifier");
    g.metadata(ModelMetadata.PRECISION, "fp32");
    g.metadata(
        FEATURE_LAYER,
        "hidden (" + model.featureDim() + " units, before its ReLU; the penultimate layer)");
    metadata.forEach(g::metadata);
    return g.toBytes();
  }

  private static String conv(OnnxGraphBuilder g, String x, Conv2d layer, String name) {
    NDArray w = GraphOps.parameter(layer, "weight"); // [out, in, kh, kw], the ONNX layout too
    long[] shape = w.getShape().getShape();
    String wName = g.floats(name + ".weight", GraphOps.values(w), shape);
    String bName =
        g.floats(name + ".bias", GraphOps.values(GraphOps.parameter(layer, "bias")), shape[0]);
    return g.node(
        "Conv",
        new String[] {x, wName, bName},
        attrInts("kernel_shape", shape[2], shape[3]),
        attrInts("pads", 1, 1, 1, 1));
  }

  private static String pool(OnnxGraphBuilder g, String x) {
    return g.node(
        "MaxPool", new String[] {x}, attrInts("kernel_shape", 2, 2), attrInts("strides", 2, 2));
  }
}
