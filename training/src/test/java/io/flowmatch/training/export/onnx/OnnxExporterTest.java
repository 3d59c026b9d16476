package io.flowmatch.training.export.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.runtime.OrtSessions;
import io.flowmatch.training.arch.dit.DitGraph;
import io.flowmatch.training.arch.dit.DitSpec;
import io.flowmatch.training.arch.dit.DitVelocityNet;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.Blocks;
import io.flowmatch.training.model.GraphWriter;
import io.flowmatch.training.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the exporter writes (contract, metadata, opset) and what it refuses. */
class OnnxExporterTest {
  static final int[] SHAPE = {1, 8, 8};
  static final DitSpec SPEC = new DitSpec(16, 1, 8, 4, 2);
  static NDManager manager;
  static DitVelocityNet net;

  @TempDir Path dir;

  @BeforeAll
  static void build() {
    manager = NDManager.newBaseManager();
    net = new DitVelocityNet(SPEC, SHAPE);
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 8, 8), new Shape(1));
    Blocks.randomize(net, 3, 1.0);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void writesContractInputsOutputsAndMetadata() throws Exception {
    Path out = dir.resolve("sub/m.onnx");
    Map<String, String> meta =
        Map.of(
            ModelMetadata.DATASET,
            "fashion-mnist",
            ModelMetadata.TRAINING_STEPS,
            "123",
            ModelMetadata.PRECISION,
            "overridden-by-exporter");
    ExportResult r = OnnxExporter.export(net, SPEC, SHAPE, meta, ExportPrecision.FP16_IO, out);
    assertEquals(Files.size(out), r.bytes());
    assertTrue(r.parity().passed());

    OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out));
    assertEquals(17, proto.getOpsetImport(0).getVersion()); // the portable default
    assertEquals(1, proto.getOpsetImportCount()); // no unused com.microsoft import
    assertEquals(
        "N",
        proto.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam());

    try (OrtSessions.Session session = OrtSessions.open(out, OrtSessions.settings())) {
      OrtSession s = session.session();
      TensorInfo x = (TensorInfo) s.getInputInfo().get("x").getInfo();
      TensorInfo t = (TensorInfo) s.getInputInfo().get("t").getInfo();
      TensorInfo v = (TensorInfo) s.getOutputInfo().get("v").getInfo();
      assertArrayEquals(new long[] {-1, 1, 8, 8}, x.getShape());
      assertEquals(OnnxJavaType.FLOAT16, x.type);
      assertEquals(OnnxJavaType.FLOAT, t.type);
      assertArrayEquals(new long[] {-1}, t.getShape());
      assertEquals(OnnxJavaType.FLOAT16, v.type);
      Map<String, String> m = s.getMetadata().getCustomMetadata();
      assertEquals("1,8,8", m.get(ModelMetadata.DATA_SHAPE));
      assertEquals("dit", m.get(ModelMetadata.ARCHITECTURE));
      assertEquals("fp16", m.get(ModelMetadata.PRECISION));
      assertEquals("fashion-mnist", m.get(ModelMetadata.DATASET));
      assertEquals("123", m.get(ModelMetadata.TRAINING_STEPS));
      Instant.parse(m.get(ModelMetadata.DATE));
      assertTrue(m.get(ModelMetadata.REVISION).matches("[0-9a-f]{4,40}|unknown"));
    }
    assertEquals(List.of("m.onnx"), list(out.getParent())); // no temporary file left
  }

  @Test
  void exportedModelsOpenInTheInferenceFieldAndMatchDjl() throws Exception {
    float[] x = new float[3 * 64];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(0.37 * i);
    }
    float[] t = {0f, 0.3f, 1f};
    float[] ref = Blocks.forward(net, x, new long[] {3, 1, 8, 8}, t);
    for (ExportPrecision p : ExportPrecision.values()) {
      Path out = dir.resolve(OnnxExporter.defaultFileName(p));
      OnnxExporter.export(net, SPEC, SHAPE, Map.of(), p, out);
      try (OnnxVelocityField field = OnnxVelocityField.open(out, FieldOptions.defaults())) {
        assertArrayEquals(SHAPE, field.sampleShape());
        float[] v = new float[x.length];
        field.evaluate(x, t, 3, v);
        double maxErr = 0;
        double maxRef = 0;
        for (int i = 0; i < v.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(v[i] - ref[i]));
          maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        assertTrue(maxErr <= p.tolerance() * maxRef, p + ": " + maxErr + " of " + maxRef);
      }
    }
  }

  @Test
  void exportAllWritesFp32AndFp16() throws Exception {
    List<ExportResult> rs = OnnxExporter.exportAll(net, SPEC, SHAPE, Map.of(), dir);
    assertEquals(List.of("model-fp16.onnx", "model-fp32.onnx"), list(dir));
    assertEquals(ExportPrecision.FP32, rs.get(0).precision());
    // every weight is float16 in the fp16 file; float32 stays only where accuracy needs it
    OnnxMl.ModelProto fp16 = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(rs.get(1).path()));
    long halfValues = 0;
    for (OnnxMl.TensorProto init : fp16.getGraph().getInitializerList()) {
      long n = init.getDimsList().stream().reduce(1L, (a, b) -> a * b);
      if (init.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16_VALUE) {
        halfValues += n;
      } else if (init.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
        assertTrue(
            init.getName().endsWith(".freqs")
                || (init.getName().startsWith("ln.one") || init.getName().startsWith("ln.zero")),
            "float32 initializer " + init.getName());
      }
    }
    long positions = 4L * SPEC.width(); // 2×2 patches
    long scalars = halfValues - net.parameterCount() - positions; // 1, ½, 1/√2
    assertTrue(scalars >= 0 && scalars < 20, "float16 values beyond the weights: " + scalars);
  }

  @Test
  void unknownBlockTypeIsNamed() throws Exception {
    ModelSpec spec = new io.flowmatch.training.model.UnknownSpec();
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                OnnxExporter.export(
                    net, spec, SHAPE, Map.of(), ExportPrecision.FP32, dir.resolve("m.onnx")));
    assertTrue(
        e.getMessage().startsWith("cannot export block type 'resnet', the exporter knows "),
        e.getMessage());
    assertTrue(e.getMessage().contains("dit"), e.getMessage());
    assertEquals(List.of(), list(dir));
  }

  @Test
  void blockOfAnotherClassIsRefused() {
    Linear linear = Linear.builder().setUnits(4).build();
    // a programming error, not a user's: stays an IllegalArgumentException
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxExporter.build(linear, SPEC, SHAPE, Map.of(), ExportPrecision.FP32));
    assertEquals("dit export: expected a DitVelocityNet, got Linear", e.getMessage());
  }

  @Test
  void unwritableOutputLeavesNothing() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-folder"), "x");
    Path out = file.resolve("m.onnx");
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () -> OnnxExporter.export(net, SPEC, SHAPE, Map.of(), ExportPrecision.FP32, out));
    assertEquals(
        "cannot write " + out + ": " + file + " exists and is not a folder", e.getMessage());
    assertEquals(List.of("not-a-folder"), list(dir));
  }

  @Test
  void exportFailingParityIsRefusedAndNotWritten() throws Exception {
    // a writer whose graph is 5% off: exactly what a wrong weight layout would look like
    Architecture<DitSpec> offBy5Percent =
        new Architecture<>() {
          @Override
          public String name() {
            return "dit-off-by-5-percent";
          }

          @Override
          public Class<DitSpec> specType() {
            return DitSpec.class;
          }

          @Override
          public DitSpec defaults() {
            return SPEC;
          }

          @Override
          public Block newBlock(DitSpec spec, int[] sampleShape) {
            return DitSpec.ARCHITECTURE.newBlock(spec, sampleShape);
          }

          @Override
          public java.util.Set<io.flowmatch.training.precision.OpClass> heavyOps() {
            return DitSpec.ARCHITECTURE.heavyOps();
          }

          @Override
          public GraphWriter<DitSpec> graphWriter() {
            return (g, block, spec, shape, x, t, type) -> {
              String v = DitGraph.add(g, block, spec, shape, x, t, type);
              return g.node("Mul", new String[] {v, g.scalar("off", type, 1.05f)});
            };
          }
        };
    Path out = dir.resolve("m.onnx");
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                OnnxExporter.export(
                    offBy5Percent, net, SPEC, SHAPE, Map.of(), ExportPrecision.FP16, out));
    assertTrue(
        e.getMessage().startsWith("refusing to write " + out + ": parity fp16 vs DJL fp32"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("exceeds the limit"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void precisionNames() {
    assertEquals(ExportPrecision.FP16_IO, ExportPrecision.parse("fp16-io"));
    assertEquals(ExportPrecision.FP32, ExportPrecision.parse("FP32"));
    FlowmatchException e =
        assertThrows(FlowmatchException.class, () -> ExportPrecision.parse("bf16"));
    assertEquals(
        "unknown precision 'bf16', expected one of fp32, fp16, fp16-io, int8", e.getMessage());
    assertEquals(ExportPrecision.INT8, ExportPrecision.parse("int8"));
  }

  private static List<String> list(Path folder) throws Exception {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
