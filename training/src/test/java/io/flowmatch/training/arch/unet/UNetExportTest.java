package io.flowmatch.training.arch.unet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ParityCheck;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The U-Net through the exporter (contract edges, every precision, ORT level ALL). */
class UNetExportTest {
  @Test
  void parityAtEveryPrecision() {
    UNetSpec spec = new UNetSpec(8, 1, 16, 2, new int[] {1, 2}, true, 4);
    int[] shape = {1, 8, 8};
    try (NDManager m = NDManager.newBaseManager()) {
      UNetVelocityNet net = UNetTesting.build(m, spec, 1, 8, 8, DataType.FLOAT32);
      UNetTesting.perturbNormsAndBiases(net, 5);
      for (ExportPrecision p : ExportPrecision.values()) {
        if (p == ExportPrecision.INT8) {
          continue; // the U-Net has no int8 layer by default (Int8ExportTest)
        }
        byte[] model = OnnxExporter.build(net, spec, shape, Map.of(), p);
        ParityCheck.Result r = ParityCheck.run(net, model, shape, p);
        System.out.println("unet " + r.describe());
        assertTrue(r.maxAbsReference() > 0.01, r.describe());
        double bound = p == ExportPrecision.FP32 ? 1e-5 : p.tolerance();
        assertTrue(r.relativeError() <= bound, r.describe());
      }
    }
  }
}
