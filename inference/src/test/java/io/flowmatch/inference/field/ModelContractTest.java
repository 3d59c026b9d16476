package io.flowmatch.inference.field;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way a model file or a sample-shape option can break the contract gives one line: a {@link
 * FlowmatchException} for a bad file, a {@link FlowmatchException} for a bad option.
 */
class ModelContractTest {
  static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;

  @TempDir Path dir;

  private String failure(Path model, FieldOptions options) {
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class, () -> OnnxVelocityField.open(model, options).close());
    assertFalse(e.kind().isUsage(), e.kind().toString());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  private String failure(Path model) {
    return failure(model, FieldOptions.defaults());
  }

  private String usage(Path model, FieldOptions options) {
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class, () -> OnnxVelocityField.open(model, options).close());
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    return e.getMessage();
  }

  private Path gmm8() {
    return TestModels.gmm(GaussianMixture.circle(8, 4, 0.5), false, dir, "gmm8.onnx");
  }

  @Test
  void missingFile() {
    Path p = dir.resolve("nope.onnx");
    assertEquals("model file not found: " + p, usage(p, FieldOptions.defaults()));
  }

  @Test
  void directoryInsteadOfFile() {
    assertEquals(
        "model " + dir + " is a directory, expected an .onnx file",
        usage(dir, FieldOptions.defaults()));
  }

  @Test
  void corruptFile() throws Exception {
    Path p = dir.resolve("corrupt.onnx");
    Files.writeString(p, "this is not a protobuf model\n");
    assertEquals("model " + p + " is not a valid ONNX model: protobuf parsing failed", failure(p));
  }

  @Test
  void truncatedFile() throws Exception {
    byte[] bytes = Files.readAllBytes(gmm8());
    Path p = dir.resolve("truncated.onnx");
    Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals("model " + p + " is not a valid ONNX model: protobuf parsing failed", failure(p));
  }

  @Test
  void unknownOperator() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("bad_op");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    g.nodeNamed("NoSuchOp", "v", new String[] {"x"});
    Path p = TestModels.save(g, dir, "bad_op.onnx");
    String msg = failure(p);
    assertTrue(msg.startsWith("model " + p + " is not a valid ONNX model: "), msg);
    assertTrue(msg.contains("NoSuchOp"), msg);
  }

  @Test
  void missingTimeInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("no_t");
    g.input("x", FLOAT, -1, 2).output("v", FLOAT, -1, 2);
    g.nodeNamed("Identity", "v", new String[] {"x"});
    Path p = TestModels.save(g, dir, "no_t.onnx");
    assertEquals(
        "model "
            + p
            + " has no input 't' (its inputs: x); expected inputs x [N, ...sample shape]"
            + " and t [N]",
        failure(p));
  }

  @Test
  void missingDataInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("no_x");
    g.input("input", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    g.nodeNamed("Identity", "v", new String[] {"input"});
    Path p = TestModels.save(g, dir, "no_x.onnx");
    assertEquals(
        "model "
            + p
            + " has no input 'x' (its inputs: input, t); expected inputs"
            + " x [N, ...sample shape] and t [N]",
        failure(p));
  }

  @Test
  void outputNamedWrong() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("y");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("y", FLOAT, -1, 2);
    g.nodeNamed("Identity", "y", new String[] {"x"});
    Path p = TestModels.save(g, dir, "y.onnx");
    assertEquals(
        "model "
            + p
            + " has no output 'v' (its outputs: y); expected output v with the shape and"
            + " type of x",
        failure(p));
  }

  @Test
  void unexpectedExtraInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("extra");
    g.input("x", FLOAT, -1, 2)
        .input("t", FLOAT, -1)
        .input("label", FLOAT, -1)
        .output("v", FLOAT, -1, 2);
    g.nodeNamed("Identity", "v", new String[] {"x"});
    Path p = TestModels.save(g, dir, "extra.onnx");
    assertEquals(
        "model " + p + " has an unexpected input 'label'; expected only inputs x and t",
        failure(p));
  }

  @Test
  void outputRankDiffersFromInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("rank");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 1, 2);
    String axes = g.longs("axes", new long[] {1}, 1);
    g.nodeNamed("Unsqueeze", "v", new String[] {"x", axes});
    Path p = TestModels.save(g, dir, "rank.onnx");
    assertEquals(
        "model "
            + p
            + ": output v [N,1,2] must have the shape of input x [N,2], got rank 3"
            + " instead of 2",
        failure(p));
  }

  @Test
  void outputShapeDiffersFromInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("shape");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 4);
    g.nodeNamed("Concat", "v", new String[] {"x", "x"}, OnnxGraphBuilder.attr("axis", 1L));
    Path p = TestModels.save(g, dir, "shape.onnx");
    assertEquals(
        "model " + p + ": output v [N,4] must have the shape of input x [N,2]", failure(p));
  }

  @Test
  void dataInputOfRankOne() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("rank1");
    g.input("x", FLOAT, -1).input("t", FLOAT, -1).output("v", FLOAT, -1);
    g.nodeNamed("Mul", "v", new String[] {"x", "t"});
    Path p = TestModels.save(g, dir, "rank1.onnx");
    assertEquals(
        "model " + p + ": input x must have rank >= 2 ([N, ...sample shape]), got rank 1 [N]",
        failure(p));
  }

  @Test
  void float64DataInput() {
    Path p = TestModels.save(TestModels.scaleByTime(DOUBLE, -1, 2), dir, "f64.onnx");
    assertEquals("model " + p + ": input x must be float32 or float16, got float64", failure(p));
  }

  @Test
  void float16TimeInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("t16");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT16, -1).output("v", FLOAT, -1, 2);
    g.nodeNamed("Identity", "v", new String[] {"x"});
    Path p = TestModels.save(g, dir, "t16.onnx");
    assertEquals("model " + p + ": input t must be float32, got float16", failure(p));
  }

  @Test
  void timeInputOfRankTwo() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("t2");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1, 1).output("v", FLOAT, -1, 2);
    g.nodeNamed("Mul", "v", new String[] {"x", "t"});
    Path p = TestModels.save(g, dir, "t2.onnx");
    assertEquals("model " + p + ": input t must have shape [N], got rank 2 [N,1]", failure(p));
  }

  @Test
  void outputTypeDiffersFromInput() {
    OnnxGraphBuilder g = new OnnxGraphBuilder("cast");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT16, -1, 2);
    g.nodeNamed("Cast", "v", new String[] {"x"}, OnnxGraphBuilder.attr("to", (long) FLOAT16));
    Path p = TestModels.save(g, dir, "cast.onnx");
    assertEquals(
        "model " + p + ": output v must have the type of x (float32), got float16", failure(p));
  }

  @Test
  void malformedShapeMetadata() {
    OnnxGraphBuilder g = TestModels.scaleByTime(FLOAT, -1, 2);
    g.metadata(ModelMetadata.DATA_SHAPE, "two");
    Path p = TestModels.save(g, dir, "meta.onnx");
    assertEquals(
        "model "
            + p
            + ": metadata flowmatch.data_shape must be positive integers separated by"
            + " commas, got 'two'",
        failure(p));
  }

  @Test
  void shapeMetadataDisagreesWithGraph() {
    OnnxGraphBuilder g = TestModels.scaleByTime(FLOAT, -1, 1, 4, 4);
    g.metadata(ModelMetadata.DATA_SHAPE, "3,4,4");
    Path p = TestModels.save(g, dir, "meta.onnx");
    assertEquals(
        "model " + p + ": metadata flowmatch.data_shape 3,4,4 disagrees with input x [N,1,4,4]",
        failure(p));
  }

  @Test
  void shapeOptionDisagreesWithMetadata() {
    Path p = gmm8();
    assertEquals(
        "sample shape 3 disagrees with model " + p + ", whose flowmatch.data_shape is 2",
        usage(p, FieldOptions.defaults().withSampleShape(3)));
  }

  @Test
  void shapeOptionOfWrongRank() {
    Path p = gmm8();
    assertEquals(
        "sample shape 1,2 does not fit model " + p + ": input x [N,2] has 1 sample dimension",
        usage(p, FieldOptions.defaults().withSampleShape(1, 2)));
  }

  @Test
  void shapeOptionNotPositive() {
    assertEquals(
        "sample shape must be positive integers, got 0",
        usage(gmm8(), FieldOptions.defaults().withSampleShape(0)));
  }

  @Test
  void shapeOptionDisagreesWithStaticDims() {
    Path p = TestModels.save(TestModels.scaleByTime(FLOAT, -1, 2), dir, "nometa.onnx");
    assertEquals(
        "sample shape 3 disagrees with model " + p + ", whose input x is [N,2]",
        usage(p, FieldOptions.defaults().withSampleShape(3)));
  }

  @Test
  void dynamicDimsWithoutMetadataNeedTheShapeOption() {
    var m = TestModels.scaleByTime(FLOAT, -1, 1, -1, -1).build();
    m = TestModels.renameDim(m, "x", 2, "H");
    m = TestModels.renameDim(m, "x", 3, "W");
    Path p = TestModels.save(m, dir, "dynamic.onnx");
    assertEquals(
        "model "
            + p
            + " has dynamic sample dimensions [N,1,H,W] and no flowmatch.data_shape"
            + " metadata; give the sample shape (--shape)",
        usage(p, FieldOptions.defaults()));
    // with the option it opens and runs: v = x (1 + t)
    try (OnnxVelocityField f =
        OnnxVelocityField.open(p, FieldOptions.defaults().withSampleShape(1, 2, 3))) {
      assertArrayEquals(new int[] {1, 2, 3}, f.sampleShape());
      float[] x = {1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6};
      float[] v = new float[12];
      f.evaluate(x, new float[] {0.5f, 1f}, 2, v);
      assertArrayEquals(
          new float[] {1.5f, 3f, 4.5f, 6f, 7.5f, 9f, -2, -4, -6, -8, -10, -12}, v, 0f);
    }
  }

  @Test
  void staticDimsWithoutMetadataGiveTheShape() {
    Path p = TestModels.save(TestModels.scaleByTime(FLOAT, -1, 3, 2), dir, "static.onnx");
    try (OnnxVelocityField f = OnnxVelocityField.open(p, FieldOptions.defaults())) {
      assertArrayEquals(new int[] {3, 2}, f.sampleShape());
      assertEquals(6, f.sampleSize());
      assertTrue(f.metadata().isEmpty());
    }
  }

  @Test
  void badOptions() {
    Path p = gmm8();
    assertEquals(
        "unknown provider 'gpu', expected one of: cpu, cuda, tensorrt",
        usage(p, FieldOptions.defaults().withProvider("gpu")));
    assertEquals(
        "unknown optimization level 'max', expected one of: all, extended, basic, none",
        usage(p, FieldOptions.defaults().withOptimization("max")));
    assertEquals(
        "threads must be 0 (onnx runtime's default) or a positive integer, got -1",
        usage(p, FieldOptions.defaults().withThreads(-1)));
    assertEquals(
        "batch size must be a positive integer (or 0 for automatic), got -1",
        usage(p, FieldOptions.defaults().withMaxBatch(-1)));
  }
}
