package io.flowmatch.inference.field;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT16;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.flowmatch.inference.io.Float16;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batching, buffer reuse, determinism, options and resource handling of OnnxVelocityField. */
class OnnxVelocityFieldTest {
  static final GaussianMixture GMM8 = GaussianMixture.circle(8, 4, 0.5);

  @TempDir Path dir;

  private Path gmm8(boolean fp16) {
    return TestModels.gmm(GMM8, fp16, dir, fp16 ? "gmm8-fp16.onnx" : "gmm8.onnx");
  }

  private static float[][] inputs(int n, long seed) {
    float[] x = new float[2 * n];
    float[] t = new float[n];
    GaussianMixtureOnnxTest.points(GMM8, n, seed, x, t);
    return new float[][] {x, t};
  }

  @Test
  void repeatedCallsAreBitIdentical() {
    float[][] in = inputs(300, 5);
    try (OnnxVelocityField f = OnnxVelocityField.open(gmm8(false), FieldOptions.defaults())) {
      float[] first = new float[600];
      f.evaluate(in[0], in[1], 300, first);
      for (int rep = 0; rep < 5; rep++) {
        float[] again = new float[600];
        f.evaluate(in[0], in[1], 300, again);
        for (int i = 0; i < first.length; i++) {
          assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(again[i]));
        }
      }
    }
  }

  /**
   * Every batch size, including ones above maxBatch (split) and a remainder, gives the reference
   * velocity for every sample, and interleaving sizes (which reuses cached tensors) changes
   * nothing. The fp16 model's reference is taken at the half-rounded x, within one half-precision
   * ulp.
   */
  @Test
  void batchesOfDifferentSizesWork() {
    int total = 333;
    float[][] in = inputs(total, 9);
    float[] xHalf = new float[2 * total];
    for (int i = 0; i < xHalf.length; i++) {
      xHalf[i] = Float16.round(in[0][i]);
    }
    for (boolean fp16 : new boolean[] {false, true}) {
      float[] ref = new float[2 * total];
      new GaussianMixtureField(GMM8).evaluate(fp16 ? xHalf : in[0], in[1], total, ref);
      try (OnnxVelocityField f =
          OnnxVelocityField.open(gmm8(fp16), FieldOptions.defaults().withMaxBatch(64))) {
        assertEquals(64, f.maxBatch());
        float[] firstPass = null;
        for (int n : new int[] {1, 7, 64, 65, 128, 200, 333, 7, 1, 333}) {
          float[] v = new float[2 * total];
          Arrays.fill(v, Float.NaN);
          f.evaluate(in[0], in[1], n, v);
          for (int i = 0; i < 2 * n; i++) {
            double scale = Math.max(Math.abs(ref[i]), 1);
            double tol =
                fp16
                    ? Math.max(Math.ulp(Float16.round(ref[i])) * 8192.0, 0x1p-24) + 2e-5 * scale
                    : 2e-5 * scale;
            assertEquals(ref[i], v[i], tol, "n=" + n + " fp16=" + fp16 + " element " + i);
          }
          for (int i = 2 * n; i < 2 * total; i++) {
            assertTrue(Float.isNaN(v[i]), "evaluate wrote past n=" + n);
          }
          if (n == total) {
            if (firstPass == null) {
              firstPass = v;
            } else {
              assertArrayEquals(firstPass, v, 0f);
            }
          }
        }
      }
    }
  }

  /** A model whose batch dimension is fixed runs every request in padded batches of that size. */
  @Test
  void fixedBatchModelIsPadded() {
    Path p = TestModels.save(TestModels.scaleByTime(FLOAT, 4, 3), dir, "fixed.onnx");
    try (OnnxVelocityField f =
        OnnxVelocityField.open(p, FieldOptions.defaults().withMaxBatch(100))) {
      assertEquals(4, f.maxBatch());
      int n = 10;
      float[] x = new float[3 * n];
      float[] t = new float[n];
      for (int i = 0; i < n; i++) {
        t[i] = i / 10f;
        for (int j = 0; j < 3; j++) {
          x[3 * i + j] = i + j / 4f;
        }
      }
      float[] v = new float[3 * n];
      f.evaluate(x, t, n, v);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(x[3 * i + j] * (1 + t[i]), v[3 * i + j], 1e-6f);
        }
      }
    }
  }

  /** float16 x and v go through Float16 at the boundary: v = x (1 + t) rounded to half. */
  @Test
  void float16BoundaryConversion() {
    Path p = TestModels.save(TestModels.scaleByTime(FLOAT16, -1, 2), dir, "half.onnx");
    try (OnnxVelocityField f =
        OnnxVelocityField.open(p, FieldOptions.defaults().withSampleShape(2))) {
      assertEquals("float16", f.inputType());
      float[] x = {1.0f, -2.5f, 3.14159f, 1e-5f, 70000f, -0.1f};
      float[] t = {0f, 0.5f, 1f};
      float[] v = new float[6];
      f.evaluate(x, t, 3, v);
      for (int i = 0; i < 6; i++) {
        float scale = Float16.round(1 + t[i / 2]);
        float expected = Float16.round(Float16.round(x[i]) * scale);
        assertEquals(expected, v[i], 0f, "element " + i);
      }
      assertEquals(Float.POSITIVE_INFINITY, v[4]); // 70000 overflows half precision
    }
  }

  @Test
  void optionsDoNotChangeTheAnswer() {
    float[][] in = inputs(100, 13);
    float[] base = new float[200];
    try (OnnxVelocityField f = OnnxVelocityField.open(gmm8(false), FieldOptions.defaults())) {
      f.evaluate(in[0], in[1], 100, base);
    }
    for (String level : FieldOptions.OPTIMIZATIONS) {
      for (int threads : new int[] {1, 2}) {
        float[] v = new float[200];
        try (OnnxVelocityField f =
            OnnxVelocityField.open(
                gmm8(false),
                FieldOptions.defaults().withOptimization(level).withThreads(threads))) {
          f.evaluate(in[0], in[1], 100, v);
        }
        assertArrayEquals(base, v, 1e-5f, level + " with " + threads + " threads");
      }
    }
  }

  @Test
  void savesTheOptimizedGraph() throws Exception {
    Path out = dir.resolve("opt/gmm8.optimized.onnx");
    try (OnnxVelocityField f =
        OnnxVelocityField.open(gmm8(false), FieldOptions.defaults().withOptimizedModelPath(out))) {
      assertTrue(Files.size(out) > 0);
    }
    try (Stream<Path> files = Files.list(out.getParent())) {
      assertEquals(1, files.count(), "no temporary file left beside the optimized model");
    }
    // the optimised graph is itself a valid flowmatch model with the same metadata
    try (OnnxVelocityField f = OnnxVelocityField.open(out, FieldOptions.defaults())) {
      assertEquals("test", f.metadata().get(ModelMetadata.DATASET));
      assertArrayEquals(new int[] {2}, f.sampleShape());
    }
  }

  @Test
  void metadataAndAccessors() {
    try (OnnxVelocityField f = OnnxVelocityField.open(gmm8(true), FieldOptions.defaults())) {
      assertEquals("fp16", f.metadata().get(ModelMetadata.PRECISION));
      assertEquals("2", f.metadata().get(ModelMetadata.DATA_SHAPE));
      assertEquals("condot", f.metadata().get(ModelMetadata.PATH));
      assertEquals("analytic-gmm", f.metadata().get(ModelMetadata.ARCHITECTURE));
      assertEquals(CallBatch.choose(gmm8(true), "cpu"), f.maxBatch()); // automatic call size
      assertEquals("cpu", f.providerUsed());
      assertEquals("float16", f.inputType());
      assertEquals(2, f.sampleSize());
      int[] shape = f.sampleShape();
      shape[0] = 99; // a copy
      assertArrayEquals(new int[] {2}, f.sampleShape());
    }
  }

  @Test
  void closeIsIdempotentAndEvaluateAfterCloseFails() {
    OnnxVelocityField f = OnnxVelocityField.open(gmm8(false), FieldOptions.defaults());
    f.evaluate(new float[2], new float[1], 1, new float[2]);
    f.close();
    f.close();
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> f.evaluate(new float[2], new float[1], 1, new float[2]));
    assertTrue(e.getMessage().endsWith(" is closed"), e.getMessage());
  }

  @Test
  void arraysTooShortAreRejected() {
    try (OnnxVelocityField f = OnnxVelocityField.open(gmm8(false), FieldOptions.defaults())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> f.evaluate(new float[6], new float[3], 4, new float[8]));
      assertEquals("evaluate: 4 samples of 2 floats do not fit x[6], t[3], v[8]", e.getMessage());
      f.evaluate(new float[6], new float[3], 0, new float[0]); // n = 0 is a no-op
    }
  }
}
