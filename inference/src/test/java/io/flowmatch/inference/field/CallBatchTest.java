package io.flowmatch.inference.field;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallBatchTest {
  @TempDir Path dir;

  @Test
  void powerOfTwoWithinTheBudget() {
    assertEquals(1024, CallBatch.forLargestTensor(8)); // capped
    assertEquals(1024, CallBatch.forLargestTensor(0));
    assertEquals(1024, CallBatch.forLargestTensor(4096)); // exactly 1024 fit
    assertEquals(512, CallBatch.forLargestTensor(4097));
    assertEquals(32, CallBatch.forLargestTensor(49 * 384 * 4)); // the DiT's fc1 output: 75 KB
    assertEquals(1, CallBatch.forLargestTensor(CallBatch.CACHE_BUDGET_BYTES));
    assertEquals(1, CallBatch.forLargestTensor(10 * CallBatch.CACHE_BUDGET_BYTES));
  }

  /** x [N, 2] → MatMul to [N, width] → MatMul back to [N, 2]: the largest tensor is [N, width]. */
  private Path widening(int width) throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("widening");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    Random r = new Random(width);
    float[] up = new float[2 * width];
    float[] down = new float[width * 2];
    for (int i = 0; i < up.length; i++) {
      up[i] = (float) r.nextGaussian();
      down[i] = (float) r.nextGaussian() / width;
    }
    String h = g.node("MatMul", new String[] {"x", g.floats("up", up, 2, width)});
    g.nodeNamed("MatMul", "v", new String[] {h, g.floats("down", down, width, 2)});
    Path p = dir.resolve("widening-" + width + ".onnx");
    g.save(p);
    return p;
  }

  @Test
  void chosenFromTheLargestIntermediate() throws Exception {
    // 16 KiB per sample in the hidden layer → 4 MiB / 16 KiB = 256 samples
    assertEquals(256, CallBatch.choose(widening(4096), "cpu"));
    // 64 KiB + 4 bytes per sample does not fit 64 → 32
    assertEquals(32, CallBatch.choose(widening(16385), "cpu"));
    // GPUs keep the fixed default
    assertEquals(FieldOptions.DEFAULT_MAX_BATCH, CallBatch.choose(widening(4096), "cuda"));
  }

  @Test
  void unknownOpsFallBackToTheDefault() throws Exception {
    OnnxGraphBuilder g = new OnnxGraphBuilder("unknown");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    g.nodeNamed("HardSwish", "v", new String[] {"x"}); // no shape rule in the FLOP counter
    Path p = dir.resolve("unknown.onnx");
    g.save(p);
    assertEquals(FieldOptions.DEFAULT_MAX_BATCH, CallBatch.choose(p, "cpu"));
    assertEquals(
        FieldOptions.DEFAULT_MAX_BATCH, CallBatch.choose(dir.resolve("missing.onnx"), "cpu"));
    Files.deleteIfExists(p);
  }

  @Test
  void automaticCallsGiveTheSameVelocitiesAsOneBigCall() throws Exception {
    Path model = widening(16385); // auto → calls of 32
    int n = 100;
    float[] x = new float[2 * n];
    float[] t = new float[n];
    Random r = new Random(3);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] auto = new float[2 * n];
    float[] whole = new float[2 * n];
    try (OnnxVelocityField a =
            OnnxVelocityField.open(model, FieldOptions.defaults().withThreads(1));
        OnnxVelocityField b =
            OnnxVelocityField.open(model, FieldOptions.defaults().withThreads(1).withMaxBatch(n))) {
      assertEquals(32, a.maxBatch());
      assertEquals(n, b.maxBatch());
      a.evaluate(x, t, n, auto);
      b.evaluate(x, t, n, whole);
    }
    assertArrayEquals(whole, auto); // rows are independent: splitting changes nothing
  }
}
