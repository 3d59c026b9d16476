package io.flowmatch.training.arch.dit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.flowmatch.training.export.OnnxExporter;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ParityCheck;
import io.flowmatch.training.model.Blocks;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ONNX Runtime (level ALL) vs DJL for the DiT at every export precision. */
public class DitExportTest {
  /** Non-square, three channels, two heads: a wrong transpose or head split shows. */
  public static final int[] SHAPE = {3, 8, 12};

  public static final DitSpec SPEC = new DitSpec(32, 2, 16, 4, 2);
  static NDManager manager;
  static DitVelocityNet net;

  @BeforeAll
  static void build() {
    manager = NDManager.newBaseManager();
    net = new DitVelocityNet(SPEC, SHAPE);
    net.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 8, 12), new Shape(2));
    Blocks.randomize(net, 7, 1.0);
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void fp32ParityWithinOneInTenThousand() {
    byte[] model = OnnxExporter.build(net, SPEC, SHAPE, Map.of(), ExportPrecision.FP32);
    ParityCheck.Result r = ParityCheck.run(net, model, SHAPE, ExportPrecision.FP32);
    System.out.println("dit " + r.describe());
    assertTrue(r.maxAbsReference() > 0.1, "the randomised network must not output ~0");
    assertTrue(r.relativeError() <= 1e-5, r.describe());
  }

  @Test
  void fp16ParityWithinOnePercent() {
    for (ExportPrecision p :
        new ExportPrecision[] {ExportPrecision.FP16, ExportPrecision.FP16_IO}) {
      byte[] model = OnnxExporter.build(net, SPEC, SHAPE, Map.of(), p);
      ParityCheck.Result r = ParityCheck.run(net, model, SHAPE, p);
      System.out.println("dit " + r.describe());
      assertTrue(r.passed(), r.describe());
    }
  }
}
