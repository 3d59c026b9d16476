package io.flowmatch.training.export.onnx;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.arch.dit.DitExportTest;
import io.flowmatch.training.arch.dit.DitVelocityNet;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.arch.unet.UNetSpec;
import io.flowmatch.training.arch.unet.UNetTesting;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.model.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Float16 exports must not reach ONNX Runtime's CPU float16 Gemm (40–250× slower than its float16
 * MatMul path on this project's CPU, see {@link GraphOps#linearOnRows}): after ORT's own
 * optimisation, no Gemm is left in any architecture's float16 graph, while the float32 graphs of
 * the same blocks do fuse their layers into Gemms (so the check can see one).
 */
class Fp16KernelChoiceTest {
  @TempDir Path dir;

  /** Op types of the graph as ONNX Runtime (level ALL, CPU) optimised it. */
  private Set<String> optimisedOps(Block block, ModelSpec spec, int[] shape, ExportPrecision p)
      throws Exception {
    Path model = dir.resolve(spec.type() + "-" + p.cliName() + ".onnx");
    Path optimised = dir.resolve(spec.type() + "-" + p.cliName() + "-opt.onnx");
    Files.write(model, OnnxExporter.build(block, spec, shape, Map.of(), p));
    FieldOptions options =
        FieldOptions.defaults()
            .withThreads(1)
            .withWarnings(l -> {})
            .withOptimizedModelPath(optimised);
    try (OnnxVelocityField f = OnnxVelocityField.open(model, options)) {
      // opening writes the optimised graph
    }
    Set<String> ops = new TreeSet<>();
    for (OnnxMl.NodeProto n :
        OnnxMl.ModelProto.parseFrom(Files.readAllBytes(optimised)).getGraph().getNodeList()) {
      ops.add(n.getOpType());
    }
    return ops;
  }

  private void check(Block block, ModelSpec spec, int[] shape) throws Exception {
    Set<String> fp32 = optimisedOps(block, spec, shape, ExportPrecision.FP32);
    assertTrue(fp32.contains("Gemm"), spec.type() + " fp32 ops: " + fp32);
    for (ExportPrecision p :
        new ExportPrecision[] {ExportPrecision.FP16, ExportPrecision.FP16_IO}) {
      Set<String> half = optimisedOps(block, spec, shape, p);
      assertFalse(half.contains("Gemm"), spec.type() + " " + p.cliName() + " ops: " + half);
      assertTrue(half.contains("MatMul"), spec.type() + " " + p.cliName() + " ops: " + half);
    }
  }

  @Test
  void noFloat16GemmInAnyArchitecture() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      MlpSpec mlp = new MlpSpec(16, 2, 8);
      Block mlpBlock = Architectures.newBlock(mlp, new int[] {2});
      mlpBlock.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(2, new int[] {2}));
      check(mlpBlock, mlp, new int[] {2});

      DitVelocityNet dit = new DitVelocityNet(DitExportTest.SPEC, DitExportTest.SHAPE);
      dit.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 12), new Shape(2));
      check(dit, DitExportTest.SPEC, DitExportTest.SHAPE);

      UNetSpec unet = new UNetSpec(8, 1, 16, 2, new int[] {1, 2}, true, 4);
      check(UNetTesting.build(m, unet, 1, 8, 8, DataType.FLOAT32), unet, new int[] {1, 8, 8});
    }
  }
}
