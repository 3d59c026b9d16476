package io.flowmatch.training.arch.unet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The float32 3×3 convolution with 8 channels (the U-Net at width 8) must give the same finite
 * input gradient on every backward pass. On an AVX-512 CPU, PyTorch 2.7.1's bundled oneDNN picks a
 * backward-data kernel that reads memory it never wrote: the gradient changes from call to call and
 * is sometimes NaN; its AVX2 kernels get the 32 → 1 output convolution wrong (NaN, or ~80 % off the
 * reference). The build runs with {@code ONEDNN_MAX_CPU_ISA=SSE41} (surefire, launcher).
 */
class ConvKernelTest {
  @Test
  void eightChannelConvolutionGradientIsFiniteAndRepeatable() {
    check(new Shape(2, 8, 8, 8), 8, 1);
  }

  @Test
  void theDefaultUNetsConvolutionsGiveTheReferenceInputGradient() {
    check(new Shape(4, 1, 28, 28), 32, 1);
    check(new Shape(4, 32, 28, 28), 1, 1);
    check(new Shape(4, 32, 28, 28), 32, 2);
    check(new Shape(4, 64, 14, 14), 64, 1);
    check(new Shape(4, 64, 7, 7), 64, 1);
  }

  private static void check(Shape shape, int filters, int stride) {
    Random random = new Random(2);
    float[] x = UNetTesting.gaussian(random, (int) shape.size());
    Shape out = new Shape(shape.get(0), filters, shape.get(2) / stride, shape.get(3) / stride);
    float[] w = UNetTesting.gaussian(random, (int) out.size());
    try (NDManager m = NDManager.newBaseManager()) {
      Conv2d conv = ResidualBlock.conv3x3(filters, stride);
      conv.initialize(m, DataType.FLOAT32, shape);
      float[] first = null;
      for (int rep = 0; rep < 4; rep++) {
        try (NDManager sub = m.newSubManager()) {
          NDArray xs = sub.create(x, shape);
          xs.setRequiresGradient(true);
          try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray y =
                conv.forward(new ParameterStore(sub, false), new NDList(xs), true)
                    .singletonOrThrow();
            c.backward(y.mul(sub.create(w, out)).sum());
          }
          float[] g = xs.getGradient().toFloatArray();
          for (float v : g) {
            assertTrue(
                Float.isFinite(v),
                shape + " → " + filters + ": non-finite input gradient on pass " + rep);
          }
          if (first == null) {
            first = g;
            if (stride == 1) {
              float[] k = conv.getParameters().get(0).getValue().getArray().toFloatArray();
              float[] ref = inputGradient(w, k, shape, filters);
              float err = UNetTesting.maxAbsDiff(g, ref) / UNetTesting.maxAbs(ref);
              assertTrue(err < 1e-5f, shape + " → " + filters + ": input gradient off by " + err);
            }
          } else {
            assertArrayEquals(
                first, g, shape + " → " + filters + ": input gradient changed on pass " + rep);
          }
        }
      }
    }
  }

  /** d(Σ y·w)/dx of a 3×3, padding-1, stride-1 convolution with kernels k [F, C, 3, 3]. */
  private static float[] inputGradient(float[] w, float[] k, Shape shape, int filters) {
    int n = (int) shape.get(0);
    int c = (int) shape.get(1);
    int h = (int) shape.get(2);
    int wd = (int) shape.get(3);
    float[] g = new float[n * c * h * wd];
    for (int s = 0; s < n; s++) {
      for (int f = 0; f < filters; f++) {
        for (int oi = 0; oi < h; oi++) {
          for (int oj = 0; oj < wd; oj++) {
            float up = w[((s * filters + f) * h + oi) * wd + oj];
            for (int ch = 0; ch < c; ch++) {
              for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                  int i = oi + a - 1;
                  int j = oj + b - 1;
                  if (i >= 0 && i < h && j >= 0 && j < wd) {
                    g[((s * c + ch) * h + i) * wd + j] += up * k[((f * c + ch) * 3 + a) * 3 + b];
                  }
                }
              }
            }
          }
        }
      }
    }
    return g;
  }
}
