package io.flowmatch.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.model.FlowModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SamplePreviewTest {
  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void eulerIsTheTextbookLoop() {
    MlpSpec spec = new MlpSpec(16, 2, 8);
    int[] shape = {2};
    int n = 7;
    int steps = 5;
    float[] x0 = SamplePreview.previewNoise(3, n, 2);
    try (NDManager m = NDManager.newBaseManager()) {
      Block b = Architectures.newBlock(spec, shape);
      b.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(n, shape));
      float[] preview = SamplePreview.euler(m, b, x0, n, shape, steps);
      NDArray x = m.create(x0, new Shape(n, 2));
      for (int k = 0; k < steps; k++) {
        NDArray t = m.full(new Shape(n), k / (float) steps);
        NDArray v =
            b.forward(new ParameterStore(m, false), new NDList(x, t), false).singletonOrThrow();
        x = x.add(v.mul(1f / steps));
      }
      assertArrayEquals(x.toFloatArray(), preview, 1e-6f);
    }
  }
}
