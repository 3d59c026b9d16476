package io.flowmatch.training.arch.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.autograd.ScalarOps;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UNetVelocityNetTest {
  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(5);
  }

  @AfterAll
  static void tearDown() {
    manager.close();
  }

  @Test
  void parameterCountOfATinyNetMatchesTheHandCount() {
    // width 8, one level, no attention, 1 channel, time embedding 4 → MLP width 32:
    // time fc1 4·32+32 = 160, fc2 32·32+32 = 1056, in conv 1·8·9+8 = 80,
    // residual 8→8: norms 2·16, convs 2·(8·8·9+8), time 32·8+8 → 1464 (three of them: down, 2
    // middle),
    // up residual 16→8: norms 32+16, conv1 16·8·9+8, conv2 584, time 264, skip 16·8+8 → 2192,
    // out norm 16, out conv 8·9+1 = 73.
    UNetSpec tiny = new UNetSpec(8, 1, 4, 0, new int[] {1}, false, 2);
    UNetVelocityNet net = UNetTesting.build(manager, tiny, 1, 4, 4, DataType.FLOAT32);
    assertEquals(160 + 1056 + 80 + 3 * 1464 + 2192 + 16 + 73, net.parameterCount());
  }

  @Test
  void defaultNetPrintsItsSizeAndKeepsTheShapeAtAnyBatchAndSize() {
    UNetVelocityNet net =
        UNetTesting.build(manager, UNetSpec.DEFAULTS, 1, 28, 28, DataType.FLOAT32);
    System.out.println(net.summary());
    assertTrue(
        net.summary().endsWith(String.format(Locale.ROOT, "%,d parameters", net.parameterCount())));
    Random random = new Random(1);
    for (int[] s : new int[][] {{1, 28, 28}, {5, 28, 28}, {2, 32, 32}, {3, 8, 12}}) {
      Shape shape = new Shape(s[0], 1, s[1], s[2]);
      float[] v =
          UNetTesting.forward(
              manager,
              net,
              DataType.FLOAT32,
              UNetTesting.gaussian(random, (int) shape.size()),
              shape,
              UNetTesting.uniform(random, s[0]));
      assertEquals(shape.size(), v.length);
    }
  }

  @Test
  void savedParametersLoadIntoAFreshNetAndGiveTheSameVelocity() throws Exception {
    UNetSpec spec = UNetSpec.DEFAULTS;
    UNetVelocityNet net = UNetTesting.build(manager, spec, 1, 28, 28, DataType.FLOAT32);
    UNetTesting.perturbNormsAndBiases(net, 9);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      net.saveParameters(out);
    }
    UNetVelocityNet loaded = UNetVelocityNet.forSampleShape(spec, new int[] {1, 28, 28});
    loaded.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28), new Shape(1));
    try (java.io.DataInputStream in =
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      loaded.loadParameters(manager, in);
    }
    Random random = new Random(8);
    Shape shape = new Shape(2, 1, 28, 28);
    float[] x = UNetTesting.gaussian(random, 2 * 784);
    float[] t = UNetTesting.uniform(random, 2);
    assertEquals(
        0f,
        UNetTesting.maxAbsDiff(
            UNetTesting.forward(manager, net, DataType.FLOAT32, x, shape, t),
            UNetTesting.forward(manager, loaded, DataType.FLOAT32, x, shape, t)));
  }

  @Test
  void theVelocityDependsOnTime() {
    UNetVelocityNet net =
        UNetTesting.build(manager, UNetSpec.DEFAULTS, 1, 28, 28, DataType.FLOAT32);
    float[] x = UNetTesting.gaussian(new Random(2), 784);
    Shape shape = new Shape(1, 1, 28, 28);
    float[] early =
        UNetTesting.forward(manager, net, DataType.FLOAT32, x, shape, new float[] {0.1f});
    float[] late =
        UNetTesting.forward(manager, net, DataType.FLOAT32, x, shape, new float[] {0.9f});
    assertTrue(UNetTesting.maxAbsDiff(early, late) > 1e-3f);
  }

  @Test
  void rejectsSizesThatDoNotHalveAndChannelsThatDoNotSplitIntoGroups() {
    UNetVelocityNet net =
        UNetTesting.build(manager, UNetSpec.DEFAULTS, 1, 28, 28, DataType.FLOAT32);
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () ->
                UNetTesting.forward(
                    manager,
                    net,
                    DataType.FLOAT32,
                    new float[900],
                    new Shape(1, 1, 30, 30),
                    new float[1]));
    assertEquals(
        "u-net: height and width must be multiples of 4 for 3 levels, got 30×30", e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () ->
                UNetTesting.forward(
                    manager,
                    net,
                    DataType.FLOAT32,
                    new float[1568],
                    new Shape(1, 2, 28, 28),
                    new float[1]));
    assertEquals("u-net: expected x of shape [N, 1, H, W], got (1, 2, 28, 28)", e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () -> new UNetVelocityNet(new UNetSpec(12, 1, 128, 4, new int[] {1, 2}, true, 8), 1));
    assertEquals("u-net: 12 channels (width 12 × 1) do not split into 8 groups", e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () -> new UNetVelocityNet(new UNetSpec(32, 1, 128, 3, new int[] {1, 2}, true, 8), 1));
    assertEquals(
        "u-net: 64 channels at the lowest level do not split into 3 attention heads",
        e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () -> new UNetVelocityNet(new UNetSpec(32, 1, 128, 4, new int[0], true, 8), 1));
    assertEquals(
        "u-net: channel multipliers must be one or more positive integers, got []", e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () -> UNetVelocityNet.forSampleShape(UNetSpec.DEFAULTS, new int[] {2}));
    assertEquals(
        "u-net: expected images [C, H, W] with H and W multiples of 4 for 3 levels, got [2]",
        e.getMessage());
    e =
        assertThrows(
            FlowmatchException.class,
            () -> UNetVelocityNet.forSampleShape(UNetSpec.DEFAULTS, new int[] {1, 28, 30}));
    assertEquals(
        "u-net: expected images [C, H, W] with H and W multiples of 4 for 3 levels, got [1, 28, 30]",
        e.getMessage());
    assertEquals(
        3, UNetVelocityNet.forSampleShape(UNetSpec.DEFAULTS, new int[] {3, 32, 32}).dataChannels());
  }

  @Test
  void aFloat16WorkingCopyAgreesWithFloat32ForwardAndBackward() {
    UNetSpec spec = UNetSpec.DEFAULTS;
    UNetVelocityNet net = UNetTesting.build(manager, spec, 1, 28, 28, DataType.FLOAT32);
    UNetTesting.perturbNormsAndBiases(net, 3);
    UNetVelocityNet half = UNetTesting.halfCopy(manager, net, 28, 28);
    Random random = new Random(4);
    float[] x = UNetTesting.gaussian(random, 4 * 784);
    float[] t = UNetTesting.uniform(random, 4);
    Shape shape = new Shape(4, 1, 28, 28);
    float[] v32 = UNetTesting.forward(manager, net, DataType.FLOAT32, x, shape, t);
    float[] v16 = UNetTesting.forward(manager, half, DataType.FLOAT16, x, shape, t);
    float forwardError = UNetTesting.maxAbsDiff(v16, v32) / UNetTesting.maxAbs(v32);
    float[] g32 = gradients(net, DataType.FLOAT32, x, shape, t);
    float[] g16 = gradients(half, DataType.FLOAT16, x, shape, t);
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < g32.length; i++) {
      assertTrue(Float.isFinite(g16[i]), "non-finite float16 gradient");
      diff += (g16[i] - g32[i]) * (double) (g16[i] - g32[i]);
      norm += g32[i] * (double) g32[i];
    }
    double gradientError = Math.sqrt(diff / norm);
    System.out.printf(
        Locale.ROOT,
        "fp16 working copy: forward err/max|v| %.2e, gradient relative L2 error %.2e%n",
        forwardError,
        gradientError);
    assertTrue(forwardError <= 1e-2f, "forward error " + forwardError);
    assertTrue(gradientError <= 2e-2, "gradient error " + gradientError);
  }

  /** Gradients of ½·mean(v²) with respect to every parameter, concatenated as float32. */
  private static float[] gradients(
      UNetVelocityNet net, DataType type, float[] x, Shape shape, float[] t) {
    try (NDManager sub = manager.newSubManager()) {
      NDArray xs = sub.create(x, shape).toType(type, false);
      NDArray ts = sub.create(t);
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray v =
            net.forward(new ParameterStore(sub, false), new NDList(xs, ts), true)
                .singletonOrThrow();
        // not mul(0.5f): DJL frees that constant's memory before backward may read it (ScalarOps)
        collector.backward(ScalarOps.times(v.square().mean(), 0.5));
      }
      int total = (int) net.parameterCount();
      float[] all = new float[total];
      int offset = 0;
      for (Pair<String, Parameter> p : net.getParameters()) {
        NDArray g = p.getValue().getArray().getGradient();
        float[] values = g.toType(DataType.FLOAT32, false).toFloatArray();
        assertTrue(UNetTesting.maxAbs(values) > 0, "no gradient reaches " + p.getKey());
        System.arraycopy(values, 0, all, offset, values.length);
        offset += values.length;
      }
      return all;
    }
  }
}
