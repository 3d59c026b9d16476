package io.flowmatch.training.precision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.flowmatch.training.TestEngine;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.arch.mlp.MlpSpec;
import io.flowmatch.training.model.FlowModels;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The float16 working copy is the float32 masters cast to float16, bit for bit, including the
 * values where rounding is delicate: ties, subnormals, signed zeros, overflow to infinity, NaN.
 */
class WorkingCopySyncTest {
  private static final MlpSpec SPEC = new MlpSpec(16, 2, 8);
  private static final int[] SHAPE = {2};

  /** Values whose float16 rounding is easy to get wrong. */
  private static final float[] EDGES = {
    0f,
    -0f,
    1f,
    -1f,
    1f + 0x1p-11f, // a tie: rounds to even (1)
    1f + 0x1p-11f + 0x1p-23f, // just above a tie: rounds up
    1f + 3 * 0x1p-11f, // a tie: rounds to even (1 + 2^-9)
    65504f, // the largest float16
    65519.99f, // rounds down to 65504
    65520f, // rounds to infinity
    -1e6f,
    0x1p-24f, // the smallest float16 subnormal
    0x1p-25f, // a tie between 0 and the smallest subnormal: rounds to 0
    3 * 0x1p-26f, // rounds up to the smallest subnormal
    6.1e-5f, // near the smallest float16 normal
    -1e-30f, // underflows to -0
    Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY,
    Float.NaN,
    Float.MIN_VALUE,
  };

  @BeforeAll
  static void engine() {
    TestEngine.oneThread();
  }

  @Test
  void theWorkingCopyIsTheCastBitForBit() {
    Shape[] shapes = FlowModels.inputShapes(4, SHAPE);
    try (NDManager m = NDManager.newBaseManager()) {
      Block master = Architectures.newBlock(SPEC, SHAPE);
      master.initialize(m, DataType.FLOAT32, shapes);
      MixedPrecisionModel model =
          new MixedPrecisionModel(
              Precision.FP16, master, () -> Architectures.newBlock(SPEC, SHAPE), m, shapes);
      List<NDArray> working = workingArrays(model);
      // right after construction: the initial masters
      assertCastOf(model.masterArrays(), working);

      // new master values (edges first, then random values over 60 binades), synced again
      SplittableRandom rng = new SplittableRandom(7);
      int edgesSeen = 0;
      for (NDArray a : model.masterArrays()) {
        float[] v = new float[(int) a.size()];
        for (int j = 0; j < v.length; j++) {
          v[j] =
              edgesSeen < EDGES.length
                  ? EDGES[edgesSeen++]
                  : (float) (rng.nextGaussian() * Math.pow(2, rng.nextInt(-40, 20)));
        }
        a.set(v); // test set-up only: the code under test never calls set(Buffer)
      }
      assertEquals(EDGES.length, edgesSeen, "every edge value is in some parameter");
      model.syncWorkingCopy();
      assertCastOf(model.masterArrays(), working);
      for (NDArray w : working) {
        assertEquals(DataType.FLOAT16, w.getDataType());
        assertTrue(w.hasGradient(), "the working parameters still collect gradients");
      }
    }
  }

  private static List<NDArray> workingArrays(MixedPrecisionModel model) {
    return model.working().getParameters().values().stream().map(p -> p.getArray()).toList();
  }

  private static void assertCastOf(List<NDArray> masters, List<NDArray> working) {
    assertEquals(masters.size(), working.size());
    for (int i = 0; i < masters.size(); i++) {
      try (NDArray cast = masters.get(i).toType(DataType.FLOAT16, true)) {
        assertArrayEquals(
            cast.toByteArray(), working.get(i).toByteArray(), "parameter " + i + " bit for bit");
      }
    }
  }
}
