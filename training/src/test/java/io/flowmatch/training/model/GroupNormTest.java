package io.flowmatch.training.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.flowmatch.inference.io.Float16;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GroupNormTest {
  /** Per (sample, group) normalisation in double, then γ_c·x̂ + β_c. */
  private static double[] reference(
      float[] x, int n, int c, int hw, int groups, float[] gamma, float[] beta) {
    double[] out = new double[x.length];
    int per = c / groups * hw;
    for (int s = 0; s < n; s++) {
      for (int g = 0; g < groups; g++) {
        int start = (s * c + g * (c / groups)) * hw;
        double mean = 0;
        for (int i = 0; i < per; i++) {
          mean += x[start + i];
        }
        mean /= per;
        double var = 0;
        for (int i = 0; i < per; i++) {
          var += (x[start + i] - mean) * (x[start + i] - mean);
        }
        var /= per;
        for (int i = 0; i < per; i++) {
          int channel = g * (c / groups) + i / hw;
          out[start + i] =
              (x[start + i] - mean) / Math.sqrt(var + GroupNorm.EPSILON) * gamma[channel]
                  + beta[channel];
        }
      }
    }
    return out;
  }

  private static float[] run(
      GroupNorm norm, float[] x, Shape shape, DataType type, float[] gamma, float[] beta) {
    try (NDManager m = NDManager.newBaseManager()) {
      norm.initialize(m, type, shape);
      norm.gamma().getArray().set(m.create(gamma).toType(type, false).toByteBuffer());
      norm.beta().getArray().set(m.create(beta).toType(type, false).toByteBuffer());
      NDArray out =
          norm.forward(
                  new ParameterStore(m, false),
                  new NDList(m.create(x, shape).toType(type, false)),
                  false)
              .singletonOrThrow();
      assertEquals(type, out.getDataType());
      return out.toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  @Test
  void normalisesEachGroupOfEachSampleThenScalesAndShiftsPerChannel() {
    Random random = new Random(1);
    int n = 2, c = 6, hw = 12;
    float[] x = new float[n * c * hw];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (3 * random.nextGaussian() + (i / hw) % c); // channel-dependent offsets
    }
    float[] gamma = {1.5f, -0.5f, 2f, 0.25f, 1f, 3f};
    float[] beta = {0.1f, -0.2f, 0.3f, 0f, 1f, -1f};
    float[] got = run(new GroupNorm(3), x, new Shape(n, c, 3, 4), DataType.FLOAT32, gamma, beta);
    double[] want = reference(x, n, c, hw, 3, gamma, beta);
    for (int i = 0; i < x.length; i++) {
      assertEquals(want[i], got[i], 1e-5);
    }
  }

  @Test
  void float16KeepsFloat32StatisticsWhereFloat16SumsWouldOverflow() {
    // 4·28·28 values near 100 per group: their sum (~3e5) and sum of squares (~3e7) exceed the
    // float16 range (65504), so float16 accumulation would give inf/NaN.
    Random random = new Random(2);
    int n = 2, c = 8, hw = 784;
    float[] x = new float[n * c * hw];
    for (int i = 0; i < x.length; i++) {
      x[i] = Float16.round((float) (100 + 10 * random.nextGaussian()));
    }
    float[] gamma = new float[c];
    float[] beta = new float[c];
    java.util.Arrays.fill(gamma, 1f);
    float[] got = run(new GroupNorm(2), x, new Shape(n, c, 28, 28), DataType.FLOAT16, gamma, beta);
    double[] want = reference(x, n, c, hw, 2, gamma, beta);
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      assertTrue(Float.isFinite(got[i]));
      worst = Math.max(worst, Math.abs(want[i] - got[i]));
    }
    assertTrue(worst < 4e-3, "float16 group norm error " + worst); // half an ulp at 4 is 2e-3
  }

  @Test
  void rejectsChannelsThatDoNotSplitIntoTheGroups() {
    try (NDManager m = NDManager.newBaseManager()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new GroupNorm(4).initialize(m, DataType.FLOAT32, new Shape(1, 6, 2, 2)));
      assertEquals("group norm: 6 channels do not split into 4 groups", e.getMessage());
    }
  }
}
