package io.flowmatch.training.export.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.jvp.JvpCheck;
import io.flowmatch.inference.jvp.JvpModel;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JVP graph of each exporter architecture (MLP, U-Net, DiT; float32 export) against two
 * independent references: DJL's reverse-mode gradient of the same network (wᵀ(J u) = (Jᵀw)ᵀu for
 * random w, float32 autograd) and five-point central differences of the exported model.
 */
class ExportedJvpTest {
  @TempDir Path dir;

  @Test
  void mlp() throws IOException {
    MlpSpec spec = new MlpSpec(64, 3, 16);
    int[] shape = {1, 4, 4};
    try (NDManager m = NDManager.newBaseManager()) {
      MlpVelocityNet net = new MlpVelocityNet(spec, shape);
      net.initialize(m, DataType.FLOAT32, FlowModels.inputShapes(1, shape));
      Blocks.randomize(net, 5, 1.0);
      check(
          "mlp",
          net,
          OnnxExporter.build(net, spec, shape, Map.of(), ExportPrecision.FP32),
          shape,
          m,
          true);
    }
  }

  @Test
  void unet() throws IOException {
    UNetSpec spec = new UNetSpec(8, 1, 16, 2, new int[] {1, 2}, true, 4);
    int[] shape = {1, 8, 8};
    try (NDManager m = NDManager.newBaseManager()) {
      UNetVelocityNet net = UNetTesting.build(m, spec, 1, 8, 8, DataType.FLOAT32);
      UNetTesting.perturbNormsAndBiases(net, 5);
      // DJL's input gradient of the U-Net came out NaN (weight gradients, which training uses,
      // are fine), so the U-Net is checked against central differences only
      check(
          "unet",
          net,
          OnnxExporter.build(net, spec, shape, Map.of(), ExportPrecision.FP32),
          shape,
          m,
          false);
    }
  }

  @Test
  void dit() throws IOException {
    DitSpec spec = new DitSpec(32, 2, 16, 4, 2);
    int[] shape = {3, 8, 12};
    try (NDManager m = NDManager.newBaseManager()) {
      DitVelocityNet net = new DitVelocityNet(spec, shape);
      net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 12), new Shape(2));
      Blocks.randomize(net, 7, 1.0);
      check(
          "dit",
          net,
          OnnxExporter.build(net, spec, shape, Map.of(), ExportPrecision.FP32),
          shape,
          m,
          true);
    }
  }

  private void check(
      String name, Block net, byte[] model, int[] shape, NDManager m, boolean autograd)
      throws IOException {
    Path file = dir.resolve(name + ".onnx");
    Files.write(file, model);
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    int n = 3;
    SplittableRandom random = new SplittableRandom(13);
    float[] x = new float[n * size];
    float[] u = new float[n * size];
    float[] w = new float[n * size];
    float[] t = {0.1f, 0.5f, 0.9f};
    // central differences of the float32 model: rounding-limited (~1e-4 relative here)
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) random.nextGaussian();
      u[i] = (float) random.nextGaussian();
      w[i] = (float) random.nextGaussian();
    }
    try (JvpModel jvp = JvpModel.open(file, FieldOptions.defaults().withThreads(1))) {
      float[] v = new float[n * size];
      float[] product = new float[n * size];
      jvp.evaluate(x, t, u, n, v, product);

      // reverse mode in DJL: g = Jᵀ w per sample, then wᵀ(Ju) against gᵀu
      long[] dims = new long[shape.length + 1];
      dims[0] = n;
      for (int i = 0; i < shape.length; i++) {
        dims[i + 1] = shape[i];
      }
      double worst = 0;
      try (NDManager sub = m.newSubManager()) {
        if (!autograd) {
          worst = Double.NaN;
        } else {
          NDArray xa = sub.create(x, new Shape(dims));
          NDArray ta = sub.create(t, new Shape(n));
          NDArray wa = sub.create(w, new Shape(dims));
          xa.setRequiresGradient(true);
          float[] g;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray out =
                net.forward(new ParameterStore(sub, false), new NDList(xa, ta), false)
                    .singletonOrThrow();
            gc.backward(out.mul(wa).sum());
            g = xa.getGradient().toFloatArray();
          }
          for (int i = 0; i < n; i++) {
            double forward = 0;
            double reverse = 0;
            double scale = 0;
            for (int j = i * size; j < (i + 1) * size; j++) {
              forward += (double) w[j] * product[j];
              reverse += (double) g[j] * u[j];
              scale += Math.abs((double) w[j] * product[j]);
            }
            worst = Math.max(worst, Math.abs(forward - reverse) / scale);
          }
        }
      }
      double fd = JvpCheck.maxRelativeError(jvp, jvp.field(), x, t, u, n, 1e-2);
      System.out.printf(
          "%s: JVP graph vs DJL reverse mode: max |w.Ju - (J^T w).u| / sum|w_j (Ju)_j|"
              + " = %.2e; vs 5-point central differences: %.2e%n",
          name, worst, fd);
      if (autograd) {
        assertTrue(worst < 1e-5, name + " vs DJL autograd: " + worst);
      }
      assertTrue(fd < 1e-3, name + " vs central differences: " + fd);
    }
  }
}
