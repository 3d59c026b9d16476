package io.flowmatch.training.classifier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.flowmatch.training.TestEngine;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The exported classifier: its contract (names, shapes, metadata) and parity with DJL. */
class ClassifierExportTest {
  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  /** Images with pixels uniform in [-1, 1] and random labels. */
  private static LabelledImages noiseImages(int n, long seed) {
    Random r = new Random(seed);
    float[] p = new float[n * 28 * 28];
    for (int i = 0; i < p.length; i++) {
      p[i] = r.nextFloat() * 2 - 1;
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(10);
    }
    return new LabelledImages(p, labels, 28, 28);
  }

  @Test
  void onnxRuntimeMatchesDjlOnLogitsAndFeatures() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      FashionClassifier model = FashionClassifier.standard();
      m.getEngine().setRandomSeed(3);
      model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      byte[] onnx = ClassifierGraph.build(model, Map.of(ClassifierGraph.TEST_ACCURACY, "0.5"));
      ClassifierParity.Result r = ClassifierParity.check(model, onnx, noiseImages(37, 1), 37);
      assertEquals(37, r.images());
      assertTrue(r.passed(), r.describe());
      assertTrue(r.logitsError() <= 1e-4 && r.featuresError() <= 1e-4, r.describe());

      try (io.flowmatch.inference.runtime.OrtSessions.Session session =
          io.flowmatch.inference.runtime.OrtSessions.open(
              onnx, io.flowmatch.inference.runtime.OrtSessions.settings())) {
        OrtSession s = session.session();
        assertEquals(java.util.Set.of("x"), s.getInputNames());
        assertEquals(java.util.Set.of("logits", "features"), s.getOutputNames());
        Map<String, NodeInfo> outs = s.getOutputInfo();
        assertArrayEquals(
            new long[] {-1, 10}, ((TensorInfo) outs.get("logits").getInfo()).getShape());
        assertArrayEquals(
            new long[] {-1, 128}, ((TensorInfo) outs.get("features").getInfo()).getShape());
        assertArrayEquals(
            new long[] {-1, 1, 28, 28},
            ((TensorInfo) s.getInputInfo().get("x").getInfo()).getShape());
        Map<String, String> meta = s.getMetadata().getCustomMetadata();
        assertEquals("fashion-mnist", meta.get("flowmatch.dataset"));
        assertEquals("1,28,28", meta.get("flowmatch.data_shape"));
        assertEquals("-1,1", meta.get("flowmatch.data_range"));
        assertEquals(
            "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot",
            meta.get("flowmatch.classes"));
        assertEquals("0.5", meta.get("flowmatch.test_accuracy"));
      }
    }
  }

  @Test
  void parityNoticesAWrongWeight() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      FashionClassifier model = FashionClassifier.standard();
      m.getEngine().setRandomSeed(4);
      model.initialize(m, DataType.FLOAT32, new Shape(1, 1, 28, 28));
      LabelledImages images = noiseImages(8, 2);
      byte[] onnx = ClassifierGraph.build(model, Map.of());
      // perturb one conv weight after export: the check must see the difference
      var w = model.conv2().getParameters().get("weight").getArray();
      float[] v = w.toFloatArray();
      v[5] += 0.5f;
      w.set(v);
      ClassifierParity.Result r = ClassifierParity.check(model, onnx, images, 8);
      assertTrue(!r.passed(), r.describe());
    }
  }
}
