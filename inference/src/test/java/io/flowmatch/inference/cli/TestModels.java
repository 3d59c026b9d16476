package io.flowmatch.inference.cli;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;

import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Small ONNX models with known velocity fields, built in the tests with {@link OnnxGraphBuilder}.
 */
final class TestModels {
  private TestModels() {}

  /**
   * The exact OT velocity towards N(μ, σ²): from x0 ~ N(0, I) the flow is x_t = tμ + (1 − t +
   * tσ)·x0, so v(x, t) = μ + (σ − 1)(x − tμ)/(1 + t(σ − 1)) and x1 = μ + σ·x0 exactly.
   */
  static Path gaussian(Path path, int[] shape, float mu, float sigma, boolean metadata)
      throws IOException {
    OnnxGraphBuilder g = start("gaussian", shape, metadata);
    String tt = timeColumn(g, shape.length);
    String muC = g.scalar("mu", FLOAT, mu);
    String sm1 = g.scalar("sigma_minus_1", FLOAT, sigma - 1);
    String one = g.scalar("one", FLOAT, 1);
    String a = g.node("Add", new String[] {one, g.node("Mul", new String[] {tt, sm1})});
    String num = g.node("Sub", new String[] {"x", g.node("Mul", new String[] {tt, muC})});
    String ratio = g.node("Div", new String[] {num, a});
    g.nodeNamed("Add", "v", new String[] {muC, g.node("Mul", new String[] {sm1, ratio})});
    g.save(path);
    return path;
  }

  /** v = log(x): NaN wherever a component of x is negative. */
  static Path logOfX(Path path, int[] shape) throws IOException {
    OnnxGraphBuilder g = start("log", shape, true);
    String zeroT =
        g.node("Mul", new String[] {timeColumn(g, shape.length), g.scalar("zero", FLOAT, 0)});
    g.nodeNamed("Add", "v", new String[] {g.node("Log", new String[] {"x"}), zeroT});
    g.save(path);
    return path;
  }

  /** v = 1/x: Inf wherever a component of x is zero. */
  static Path reciprocalOfX(Path path, int[] shape) throws IOException {
    OnnxGraphBuilder g = start("reciprocal", shape, true);
    String zeroT =
        g.node("Mul", new String[] {timeColumn(g, shape.length), g.scalar("zero", FLOAT, 0)});
    g.nodeNamed("Add", "v", new String[] {g.node("Reciprocal", new String[] {"x"}), zeroT});
    g.save(path);
    return path;
  }

  /** v = sqrt(0.5 − t) for every component: finite up to t = 0.5, NaN after. */
  static Path nanAfterHalf(Path path, int[] shape) throws IOException {
    OnnxGraphBuilder g = start("nan_after_half", shape, true);
    String root =
        g.node(
            "Sqrt",
            new String[] {
              g.node(
                  "Sub", new String[] {g.scalar("half", FLOAT, 0.5f), timeColumn(g, shape.length)})
            });
    String zeroX = g.node("Mul", new String[] {"x", g.scalar("zero", FLOAT, 0)});
    g.nodeNamed("Add", "v", new String[] {zeroX, root});
    g.save(path);
    return path;
  }

  /**
   * v = x + 0·sum(W), where the initializer W declares {@code floats} float32 values stored as
   * external data in {@code w.bin} beside the model, a file of only 16 bytes.
   */
  static Path externalFloats(Path path, long floats) throws IOException {
    OnnxGraphBuilder g = start("external", new int[] {2}, true);
    String zeroT = g.node("Mul", new String[] {timeColumn(g, 1), g.scalar("zero", FLOAT, 0)});
    String sum = g.node("ReduceSum", new String[] {"W"}, OnnxGraphBuilder.attr("keepdims", 0L));
    String zeroW = g.node("Mul", new String[] {sum, g.scalar("zero_w", FLOAT, 0)});
    g.nodeNamed("Add", "v", new String[] {g.node("Add", new String[] {"x", zeroT}), zeroW});
    ai.onnx.proto.OnnxMl.ModelProto.Builder m = g.build().toBuilder();
    m.getGraphBuilder()
        .addInitializer(
            ai.onnx.proto.OnnxMl.TensorProto.newBuilder()
                .setName("W")
                .setDataType(FLOAT)
                .addDims(floats)
                .setDataLocation(ai.onnx.proto.OnnxMl.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "w.bin"))
                .addExternalData(entry("offset", "0"))
                .addExternalData(entry("length", Long.toString(4 * floats))));
    java.nio.file.Files.write(path.resolveSibling("w.bin"), new byte[16]);
    java.nio.file.Files.write(path, m.build().toByteArray());
    return path;
  }

  private static ai.onnx.proto.OnnxMl.StringStringEntryProto entry(String key, String value) {
    return ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
        .setKey(key)
        .setValue(value)
        .build();
  }

  /** Inputs named {@code input}/{@code time} instead of x/t. */
  static Path wrongNames(Path path) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("wrong_names");
    g.input("input", FLOAT, -1, 2).input("time", FLOAT, -1).output("v", FLOAT, -1, 2);
    g.nodeNamed("Identity", "v", new String[] {"input"});
    g.save(path);
    return path;
  }

  /** x is [N, 2] but v is declared [N, 2, 1] (and is). */
  static Path outputOfOtherRank(Path path) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("other_rank");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2, 1);
    String shape = g.longs("v_shape", new long[] {-1, 2, 1}, 3);
    g.nodeNamed("Reshape", "v", new String[] {"x", shape});
    g.save(path);
    return path;
  }

  /**
   * x is [N, 2] and v is declared [N, 2], but the graph computes [N, 3] (x and its first column
   * side by side): only the run can tell.
   */
  static Path outputOfOtherSize(Path path) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("other_size");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    String starts = g.longs("starts", new long[] {0}, 1);
    String ends = g.longs("ends", new long[] {1}, 1);
    String axes = g.longs("axes", new long[] {1}, 1);
    String first = g.node("Slice", new String[] {"x", starts, ends, axes});
    g.nodeNamed("Concat", "v", new String[] {"x", first}, OnnxGraphBuilder.attr("axis", 1L));
    g.save(path);
    return path;
  }

  private static OnnxGraphBuilder start(String name, int[] shape, boolean metadata) {
    OnnxGraphBuilder g = new OnnxGraphBuilder(name);
    long[] dims = new long[shape.length + 1];
    dims[0] = -1;
    for (int i = 0; i < shape.length; i++) {
      // with metadata the sample dimensions are static; without, dynamic (the --shape case)
      dims[i + 1] = metadata ? shape[i] : -1;
    }
    g.input("x", FLOAT, dims).input("t", FLOAT, -1).output("v", FLOAT, dims);
    if (metadata) {
      g.metadata(
          ModelMetadata.DATA_SHAPE,
          String.join(
              ",", Arrays.stream(shape).mapToObj(Integer::toString).toArray(String[]::new)));
    }
    return g;
  }

  /** t [N] reshaped to [N, 1, …, 1] so it broadcasts against x. */
  private static String timeColumn(OnnxGraphBuilder g, int sampleRank) {
    long[] target = new long[sampleRank + 1];
    Arrays.fill(target, 1);
    target[0] = -1;
    String shapeName = g.longs(g.fresh("t_shape"), target, target.length);
    return g.node("Reshape", new String[] {"t", shapeName});
  }
}
