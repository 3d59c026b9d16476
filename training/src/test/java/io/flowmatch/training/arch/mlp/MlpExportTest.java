package io.flowmatch.training.arch.mlp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ParityCheck;
import io.flowmatch.training.model.Blocks;
import io.flowmatch.training.model.FlowModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ONNX Runtime (level ALL) vs DJL for the MLP, on vector and image-shaped samples. */
class MlpExportTest {
  static final MlpSpec SPEC = new MlpSpec(64, 3, 16);

  @Test
  void parityAtEveryPrecision() {
    for (int[] shape : new int[][] {{2}, {1, 4, 4}}) {
      try (NDManager m = NDManager.newBaseManager()) {
        MlpVelocityNet net = new MlpVelocityNet(SPEC, shape);
        net.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(1, shape));
        Blocks.randomize(net, 5, 1.0);
        for (ExportPrecision p : ExportPrecision.values()) {
          byte[] model = OnnxExporter.build(net, SPEC, shape, Map.of(), p);
          ParityCheck.Result r = ParityCheck.run(net, model, shape, p);
          System.out.println("mlp " + java.util.Arrays.toString(shape) + " " + r.describe());
          assertTrue(r.maxAbsReference() > 0.1, r.describe());
          // fp32 is measured at ~1e-7 relative; 1e-5 still catches any layout mistake
          double bound = p == ExportPrecision.FP32 ? 1e-5 : p.tolerance();
          assertTrue(r.relativeError() <= bound, r.describe());
        }
      }
    }
  }
}
