package io.flowmatch.training.export.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.quantize.Int8Quantizer;
import io.flowmatch.inference.quantize.Int8Recipe;
import io.flowmatch.inference.quantize.LayerRole;
import io.flowmatch.inference.quantize.QuantForm;
import io.flowmatch.inference.quantize.QuantParity;
import io.flowmatch.training.arch.dit.DitExportTest;
import io.flowmatch.training.arch.dit.DitSpec;
import io.flowmatch.training.arch.dit.DitVelocityNet;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.arch.mlp.MlpVelocityNet;
import io.flowmatch.training.arch.unet.UNetSpec;
import io.flowmatch.training.arch.unet.UNetTesting;
import io.flowmatch.training.arch.unet.UNetVelocityNet;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.model.Blocks;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 quantiser on every architecture the exporter writes: parity against the DJL float32
 * forward within {@link QuantParity#BOUND}, any batch size through the inference field (the
 * quantised graph keeps the symbolic batch), and the metadata.
 */
class Int8ExportTest {
  @TempDir Path dir;

  @Test
  void mlp() throws Exception {
    MlpSpec spec = new MlpSpec(64, 3, 16);
    int[] shape = {1, 4, 4};
    try (NDManager m = NDManager.newBaseManager()) {
      MlpVelocityNet net = new MlpVelocityNet(spec, shape);
      net.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(1, shape));
      Blocks.randomize(net, 5, 1.0);
      check(net, spec, shape, 2); // inner layers of a depth-3 MLP: 2
    }
  }

  @Test
  void dit() throws Exception {
    DitSpec spec = DitExportTest.SPEC;
    int[] shape = DitExportTest.SHAPE;
    try (NDManager m = NDManager.newBaseManager()) {
      DitVelocityNet net = new DitVelocityNet(spec, shape);
      net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 12), new Shape(2));
      Blocks.randomize(net, 7, 1.0);
      check(net, spec, shape, 2 * 6); // per block: q, k, v, proj, fc1, fc2
    }
  }

  /**
   * The U-Net's weight layers are its time MLP and per-block time projections, all {@link
   * LayerRole#TIME}; its convolutions are not quantised. The default recipe refuses it with a
   * message saying so; with every role quantised, its graph still quantises within the bound.
   */
  @Test
  void unet() throws Exception {
    UNetSpec spec = new UNetSpec(8, 1, 16, 2, new int[] {1, 2}, true, 4);
    int[] shape = {1, 8, 8};
    try (NDManager m = NDManager.newBaseManager()) {
      UNetVelocityNet net = UNetTesting.build(m, spec, 1, 8, 8, DataType.FLOAT32);
      UNetTesting.perturbNormsAndBiases(net, 5);
      FlowmatchException e =
          assertThrows(
              FlowmatchException.class,
              () -> OnnxExporter.build(net, spec, shape, Map.of(), ExportPrecision.INT8));
      assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
      assertTrue(e.getMessage().contains("convolutions"), e.getMessage());

      byte[] fp32 = OnnxExporter.build(net, spec, shape, Map.of(), ExportPrecision.FP32);
      Int8Quantizer.Result q =
          Int8Quantizer.quantize(
              fp32, new Int8Recipe(QuantForm.MATMUL_INTEGER, EnumSet.noneOf(LayerRole.class)));
      assertTrue(q.quantized().size() >= 3, q.describe()); // time_fc1, time_fc2, block projections
      ParityCheck.Result r = ParityCheck.run(net, q.model(), shape, ExportPrecision.INT8);
      System.out.println("unet int8 (time layers) " + q.describe() + "; " + r.describe());
      assertTrue(r.maxAbsReference() > 0.01 && r.passed(), r.describe());
      Path file = dir.resolve("unet-int8.onnx");
      Files.write(file, q.model());
      checkBatches(file, fp32);
    }
  }

  private void check(Block net, ModelSpec spec, int[] shape, int expectedInt8) throws Exception {
    Path out = dir.resolve(spec.type() + "-int8.onnx");
    ExportResult result =
        OnnxExporter.export(
            net, spec, shape, Map.of(ModelMetadata.DATASET, "test"), ExportPrecision.INT8, out);
    System.out.println(spec.type() + " " + result.describe());
    assertTrue(
        result.parity().passed() && result.parity().maxAbsReference() > 0.1,
        result.parity().describe());
    // int8 really changed the function (a quantiser that did nothing would pass parity too)
    assertTrue(result.parity().relativeError() > 1e-4, result.parity().describe());

    OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(out));
    long int8Layers =
        model.getGraph().getNodeList().stream()
            .filter(n -> n.getOpType().equals("MatMulInteger"))
            .count();
    assertEquals(expectedInt8, int8Layers);
    Map<String, String> meta = new HashMap<>();
    model.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
    assertEquals("int8", meta.get(ModelMetadata.PRECISION));
    assertEquals("fp32", meta.get(Int8Quantizer.SOURCE_PRECISION));
    assertEquals(Int8Recipe.defaults().describe(), meta.get(Int8Quantizer.RECIPE));
    assertTrue(meta.get(Int8Quantizer.LAYERS).startsWith(expectedInt8 + " of "), meta.toString());
    assertEquals(spec.type(), meta.get(ModelMetadata.ARCHITECTURE));
    assertEquals("test", meta.get(ModelMetadata.DATASET));
    checkBatches(out, OnnxExporter.build(net, spec, shape, Map.of(), ExportPrecision.FP32));
  }

  /** Batches of 1, 3 and 40 run, each within the parity bound of the float32 export. */
  private void checkBatches(Path int8, byte[] fp32) throws Exception {
    Path source = dir.resolve("source-fp32.onnx");
    Files.write(source, fp32);
    FieldOptions options = FieldOptions.defaults().withThreads(1);
    try (OnnxVelocityField a = OnnxVelocityField.open(source, options);
        OnnxVelocityField b = OnnxVelocityField.open(int8, options)) {
      for (int n : new int[] {1, 3, 40}) {
        QuantParity.Result r = QuantParity.compare(a, b, n, 3, QuantParity.BOUND);
        assertTrue(r.passed() && r.maxAbsReference() > 0.01, "batch " + n + ": " + r.describe());
      }
    }
  }
}
