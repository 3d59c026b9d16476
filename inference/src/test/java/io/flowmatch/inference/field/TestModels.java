package io.flowmatch.inference.field;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.flowmatch.inference.analytic.GaussianMixtureGraph;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small ONNX models for tests: contract-breaking variants and analytic fields. */
final class TestModels {
  private TestModels() {}

  static Path save(OnnxGraphBuilder g, Path dir, String name) {
    try {
      Path p = dir.resolve(name);
      g.save(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path save(ModelProto m, Path dir, String name) {
    try {
      Path p = dir.resolve(name);
      Files.write(p, m.toByteArray());
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path gmm(GaussianMixture gmm, boolean fp16, Path dir, String name) {
    return save(GaussianMixtureGraph.build(gmm, fp16, "test"), dir, name);
  }

  /**
   * v = x · (1 + t) broadcast over the sample dims: x and v of {@code elemType} with the given dims
   * (-1 = the batch symbol N), t float32 [N].
   */
  static OnnxGraphBuilder scaleByTime(int elemType, long... xDims) {
    OnnxGraphBuilder g = new OnnxGraphBuilder("scale");
    g.input("x", elemType, xDims).input("t", FLOAT, xDims[0]).output("v", elemType, xDims);
    long[] axes = new long[xDims.length - 1];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = i + 1;
    }
    String ax = g.longs("axes", axes, axes.length);
    String one = g.scalar("one", FLOAT, 1f);
    String s = g.node("Add", new String[] {one, g.node("Unsqueeze", new String[] {"t", ax})});
    if (elemType != FLOAT) {
      s = g.node("Cast", new String[] {s}, OnnxGraphBuilder.attr("to", (long) elemType));
    }
    g.nodeNamed("Mul", "v", new String[] {"x", s});
    return g;
  }

  /** Renames the symbolic dimension {@code dim} of input {@code input} (to break the N link). */
  static ModelProto renameDim(ModelProto m, String input, int dim, String newName) {
    ModelProto.Builder b = m.toBuilder();
    for (ValueInfoProto.Builder vi : b.getGraphBuilder().getInputBuilderList()) {
      if (vi.getName().equals(input)) {
        vi.getTypeBuilder()
            .getTensorTypeBuilder()
            .getShapeBuilder()
            .setDim(dim, TensorShapeProto.Dimension.newBuilder().setDimParam(newName));
      }
    }
    for (ValueInfoProto.Builder vi : b.getGraphBuilder().getOutputBuilderList()) {
      vi.getTypeBuilder()
          .getTensorTypeBuilder()
          .getShapeBuilder()
          .setDim(dim, TensorShapeProto.Dimension.newBuilder().setDimParam(newName));
    }
    return b.build();
  }
}
