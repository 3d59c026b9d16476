package io.flowmatch.training.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.flowmatch.inference.perf.FlopCount;
import io.flowmatch.inference.perf.FlopCounter;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.arch.mlp.MlpVelocityNet;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.model.FlowModels;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The graph-walking FLOP count of an exported MLP equals the count from its ModelSpec. */
class ExportedFlopsTest {

  @Test
  void exportedMlpHasTheAnalyticFlops() throws Exception {
    MlpSpec spec = new MlpSpec(48, 3, 16);
    int[] shape = {1, 4, 4};
    int d = 16;
    try (NDManager m = NDManager.newBaseManager()) {
      MlpVelocityNet net = new MlpVelocityNet(spec, shape);
      net.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(1, shape));
      for (ExportPrecision p : ExportPrecision.values()) {
        ModelProto model = ModelProto.parseFrom(OnnxExporter.build(net, spec, shape, Map.of(), p));
        for (long n : new long[] {1, 256}) {
          FlopCount c = FlopCounter.count(model, n);
          long w = spec.width();
          long macs = (d + spec.timeEmbedDim()) * w + (spec.depth() - 1) * w * w + w * d;
          assertEquals(2 * n * macs, c.denseFlops(), p + " batch " + n);
          // per layer: bias Add, Sigmoid and Mul on the hidden layers, bias Add on the output;
          // the time embedding: Mul, Sin, Cos of [N, timeEmbedDim/2]
          long elementwise = n * (3 * w * spec.depth() + d) + 3 * n * spec.timeEmbedDim() / 2;
          if (p != ExportPrecision.INT8) { // int8 adds its quantise and rescale passes
            assertEquals(elementwise, c.elementwiseOps(), p + " batch " + n);
          }
        }
      }
    }
  }
}
