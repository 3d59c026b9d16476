package io.flowmatch.training.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.flowmatch.training.TestEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** AdamW, the learning-rate schedule and the EMA against their formulas. */
class OptimizerPiecesTest {

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void adamWMatchesTheFormulaAndItsStateRoundTrips() throws Exception {
    double b1 = 0.9;
    double b2 = 0.99;
    double eps = 1e-8;
    double wd = 0.1;
    double[] w = {1, -2, 0.5};
    double[] m = new double[3];
    double[] v = new double[3];
    double[][] grads = {{0.1, -0.3, 2}, {-0.2, 0.1, 1}, {0.05, 0.05, -1}};
    double[] lrs = {0.01, 0.02, 0.03};
    try (NDManager nd = NDManager.newBaseManager()) {
      NDArray p = nd.create(new float[] {1, -2, 0.5f});
      AdamW opt = new AdamW(nd, List.of(p), b1, b2, eps, wd);
      for (int k = 0; k < 2; k++) {
        opt.step(List.of(p), List.of(nd.create(toFloat(grads[k]))), lrs[k]);
        reference(w, m, v, grads[k], lrs[k], k + 1, b1, b2, eps, wd);
      }
      assertArrayEquals(toFloat(w), p.toFloatArray(), 1e-6f);
      assertEquals(2, opt.updates());

      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      opt.save(new DataOutputStream(bytes));
      NDArray q = p.duplicate();
      AdamW restored = new AdamW(nd, List.of(q), b1, b2, eps, wd);
      restored.load(nd, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      opt.step(List.of(p), List.of(nd.create(toFloat(grads[2]))), lrs[2]);
      restored.step(List.of(q), List.of(nd.create(toFloat(grads[2]))), lrs[2]);
      reference(w, m, v, grads[2], lrs[2], 3, b1, b2, eps, wd);
      assertArrayEquals(p.toFloatArray(), q.toFloatArray(), 0f); // bit for bit
      assertArrayEquals(toFloat(w), q.toFloatArray(), 1e-6f);
    }
  }

  private static void reference(
      double[] w,
      double[] m,
      double[] v,
      double[] g,
      double lr,
      int t,
      double b1,
      double b2,
      double eps,
      double wd) {
    for (int i = 0; i < w.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      double mh = m[i] / (1 - Math.pow(b1, t));
      double vh = v[i] / (1 - Math.pow(b2, t));
      w[i] -= lr * (mh / (Math.sqrt(vh) + eps) + wd * w[i]);
    }
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Test
  void learningRateWarmsUpThenHoldsOrDecays() {
    LearningRate constant = new LearningRate(1e-3, 4, 100, "constant");
    assertEquals(0.25e-3, constant.at(0), 1e-12);
    assertEquals(1e-3, constant.at(3), 1e-12);
    assertEquals(1e-3, constant.at(99), 1e-12);
    LearningRate cosine = new LearningRate(1e-3, 0, 100, "cosine");
    assertEquals(1e-3, cosine.at(0), 1e-12);
    assertEquals(0.5e-3, cosine.at(50), 1e-12);
    assertEquals(0, cosine.at(100), 1e-12);
    // wsd: the peak until the last 20 % of steps, then linear to zero at the last step
    LearningRate wsd = new LearningRate(1e-3, 4, 100, "wsd");
    assertEquals(0.25e-3, wsd.at(0), 1e-12);
    assertEquals(1e-3, wsd.at(80), 1e-12);
    assertEquals(0.5e-3, wsd.at(90), 1e-12);
    assertEquals(0.05e-3, wsd.at(99), 1e-12);
    assertEquals(0, wsd.at(100), 1e-12);
    // a constant run switched to wsd on resume sees no jump before the decay starts
    assertEquals(constant.at(50), wsd.at(50), 1e-12);
  }

  @Test
  void emaRampsUpToItsDecayAndAverages() {
    try (NDManager nd = NDManager.newBaseManager()) {
      io.flowmatch.training.arch.mlp.MlpSpec spec =
          new io.flowmatch.training.arch.mlp.MlpSpec(2, 1, 2);
      var block = io.flowmatch.training.arch.Architectures.newBlock(spec, new int[] {1});
      block.initialize(
          nd,
          ai.djl.ndarray.types.DataType.FLOAT32,
          io.flowmatch.training.model.FlowModels.inputShapes(1, new int[] {1}));
      Ema e = new Ema(block, 0.5);
      List<NDArray> arrays = new java.util.ArrayList<>();
      block.getParameters().forEach(pp -> arrays.add(pp.getValue().getArray().zerosLike()));
      e.reset(arrays); // average = 0
      List<NDArray> ones = new java.util.ArrayList<>();
      arrays.forEach(a -> ones.add(a.onesLike()));
      e.update(ones, 100); // decay min(0.5, 101/110) = 0.5 → 0.5
      e.update(ones, 101); // → 0.75
      float[] avg = block.getParameters().valueAt(0).getArray().toFloatArray();
      for (float f : avg) {
        assertEquals(0.75f, f, 0f);
      }
      assertEquals(0.1, e.decayAt(0), 1e-12);
    }
  }
}
