package io.flowmatch.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Random;

/** Test helpers: parameters filled with random values, and a plain forward. */
public final class Blocks {
  private Blocks() {}

  /**
   * Overwrites every parameter with N(0, (gain/√fanIn)²) values so no path of the network is zero
   * (a fresh adaLN-Zero DiT outputs exactly 0, which would make any comparison trivial).
   */
  public static void randomize(Block block, long seed, double gain) {
    Random r = new Random(seed);
    for (var p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      Shape s = a.getShape();
      long fanIn = s.dimension() > 1 ? s.size() / s.get(0) : 1;
      float[] v = new float[(int) s.size()];
      double std = gain / Math.sqrt(fanIn);
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (r.nextGaussian() * std);
      }
      a.set(FloatBuffer.wrap(v));
    }
  }

  /** The forward of a float32 block on host arrays. */
  public static float[] forward(Block block, float[] x, long[] xShape, float[] t) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList out =
          block.forward(
              new ParameterStore(m, false),
              new NDList(m.create(x, new Shape(xShape)), m.create(t)),
              false);
      return out.head().toType(DataType.FLOAT32, false).toFloatArray();
    }
  }
}
