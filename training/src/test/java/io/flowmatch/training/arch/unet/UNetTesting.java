package io.flowmatch.training.arch.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParameterList;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Random;

/** Shared helpers for U-Net tests: building, perturbing, half-precision copies, forwards. */
public final class UNetTesting {
  private UNetTesting() {}

  /** A fresh U-Net initialised in {@code type} for inputs [batch, C, H, W]. */
  public static UNetVelocityNet build(
      NDManager m, UNetSpec spec, int channels, int height, int width, DataType type) {
    UNetVelocityNet net = new UNetVelocityNet(spec, channels);
    net.initialize(m, type, new Shape(2, channels, height, width), new Shape(2));
    return net;
  }

  /**
   * Makes biases, GroupNorm scales and shifts non-trivial (they start at 0 and 1), so a parity test
   * sees a wrong layout of any of them.
   */
  public static void perturbNormsAndBiases(Block net, long seed) {
    Random random = new Random(seed);
    for (Pair<String, Parameter> p : net.getParameters()) {
      Parameter.Type type = p.getValue().getType();
      if (type == Parameter.Type.BIAS
          || type == Parameter.Type.GAMMA
          || type == Parameter.Type.BETA) {
        NDArray a = p.getValue().getArray();
        float[] v = a.toFloatArray();
        for (int i = 0; i < v.length; i++) {
          v[i] += (float) (0.2 * random.nextGaussian());
        }
        a.set(v);
      }
    }
  }

  /**
   * Copies every parameter value of {@code from} into {@code to} (same architecture), converting
   * type.
   */
  public static void copyParameters(Block from, Block to) {
    ParameterList src = from.getParameters();
    ParameterList dst = to.getParameters();
    if (src.size() != dst.size()) {
      throw new IllegalArgumentException("different architectures");
    }
    for (int i = 0; i < src.size(); i++) {
      NDArray target = dst.get(i).getValue().getArray();
      try (NDArray converted =
          src.get(i).getValue().getArray().toType(target.getDataType(), true)) {
        target.set(converted.toByteBuffer());
      }
    }
  }

  /** A float16 working copy of a float32 U-Net. */
  public static UNetVelocityNet halfCopy(NDManager m, UNetVelocityNet net, int height, int width) {
    UNetVelocityNet half =
        build(m, net.spec(), net.dataChannels(), height, width, DataType.FLOAT16);
    copyParameters(net, half);
    return half;
  }

  /** Inference forward; x is cast to the block's working type, v returned as float32 values. */
  public static float[] forward(
      NDManager m, Block net, DataType type, float[] x, Shape xShape, float[] t) {
    try (NDManager sub = m.newSubManager()) {
      NDArray xs = sub.create(x, xShape).toType(type, false);
      NDArray ts = sub.create(t);
      NDArray v =
          net.forward(new ParameterStore(sub, false), new NDList(xs, ts), false).singletonOrThrow();
      if (v.getDataType() != type || !v.getShape().equals(xShape)) {
        throw new AssertionError("v is " + v.getDataType() + " " + v.getShape());
      }
      return v.toType(DataType.FLOAT32, false).toFloatArray();
    }
  }

  public static float[] gaussian(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) random.nextGaussian();
    }
    return a;
  }

  public static float[] uniform(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = random.nextFloat();
    }
    return a;
  }

  public static float maxAbs(float[] a) {
    float m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  public static float maxAbsDiff(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths " + a.length + " and " + b.length);
    }
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
