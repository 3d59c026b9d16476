package io.flowmatch.training.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * A network as mixed-precision training sees it: float32 master weights (the block that is saved
 * and exported) and a working copy in the training precision that runs forward and backward. DJL
 * has no autocast and does not record {@code toType} in autograd, so the float16 copy is a second
 * block whose parameter arrays are float16 and are refreshed from the masters after every update.
 * In float32 the working copy is the master block itself.
 */
public final class MixedPrecisionModel {
  private final Precision precision;
  private final Block master;
  private final Block working;
  private final List<String> names = new ArrayList<>();
  private final List<NDArray> masterArrays = new ArrayList<>();
  private final List<NDArray> workingArrays = new ArrayList<>();

  /**
   * @param master an initialised float32 block
   * @param factory builds another block of the same architecture (the float16 copy)
   * @param inputShapes the shapes the master was initialised with
   */
  public MixedPrecisionModel(
      Precision precision,
      Block master,
      Supplier<Block> factory,
      NDManager manager,
      Shape[] inputShapes) {
    this.precision = precision;
    this.master = master;
    if (precision == Precision.FP32) {
      this.working = master;
    } else {
      this.working = factory.get();
      working.initialize(manager, precision.workingType(), inputShapes);
    }
    for (Pair<String, Parameter> p : master.getParameters()) {
      names.add(p.getKey());
      masterArrays.add(p.getValue().getArray());
    }
    for (Pair<String, Parameter> p : working.getParameters()) {
      NDArray w = p.getValue().getArray();
      // Block.loadParameters hands back arrays without gradients: attach them here
      if (!w.hasGradient()) {
        w.setRequiresGradient(true);
      }
      // the copy below is a slice per axis: PyTorch has no slice assignment of a rank-0 tensor
      if (working != master && w.getShape().dimension() == 0) {
        throw new IllegalStateException("rank-0 parameter " + p.getKey() + " in a working copy");
      }
      workingArrays.add(w);
    }
    if (workingArrays.size() != masterArrays.size()) {
      throw new IllegalStateException(
          "working copy has a different parameter list than the master");
    }
    syncWorkingCopy();
  }

  public Precision precision() {
    return precision;
  }

  /** The float32 weights (saved, averaged, exported). */
  public Block master() {
    return master;
  }

  /** The block that runs forward and backward. */
  public Block working() {
    return working;
  }

  /** Parameter names in block order. */
  public List<String> names() {
    return names;
  }

  /** The master arrays, in block order (updated in place by the optimizer). */
  public List<NDArray> masterArrays() {
    return masterArrays;
  }

  /**
   * Copies the master weights, rounded to the working type, into the working copy. PyTorch's {@code
   * copy_} through a whole-tensor slice assignment, which casts with the same kernel as {@code
   * toType} (so the copy is the cast bit for bit), in place and without a temporary. Not {@code
   * NDArray.set(Buffer)}: DJL runs that under PyTorch's deprecated AutoNonVariableTypeMode guard,
   * which prints a deprecation warning, and points the tensor at the Java buffer's memory.
   */
  public void syncWorkingCopy() {
    if (working == master) {
      return;
    }
    for (int i = 0; i < masterArrays.size(); i++) {
      PtNDArray w = (PtNDArray) workingArrays.get(i);
      long[] sizes = w.getShape().getShape();
      long[] start = new long[sizes.length];
      long[] step = new long[sizes.length];
      Arrays.fill(step, 1);
      JniUtils.indexSet(w, (PtNDArray) masterArrays.get(i), start, sizes, step);
    }
  }

  /** Clears the gradients PyTorch accumulates on the working parameters. */
  public void zeroGradients() {
    for (NDArray w : workingArrays) {
      JniUtils.zeroGrad((PtNDArray) w);
    }
  }

  /**
   * The gradients of the last backward pass, in float32 and divided by the loss scale.
   *
   * @param manager owner of the returned arrays (a per-step sub-manager)
   * @param lossScale the factor the loss was multiplied by
   */
  public Gradients unscaledGradients(NDManager manager, double lossScale) {
    List<NDArray> grads = new ArrayList<>(workingArrays.size());
    double sumSquares = 0;
    for (NDArray w : workingArrays) {
      try (NDArray g = w.getGradient()) {
        NDArray g32 = g.toType(DataType.FLOAT32, true);
        g32.attach(manager);
        if (lossScale != 1.0) {
          g32.divi((float) lossScale);
        }
        try (NDArray sq = g32.square().sum()) {
          sumSquares += sq.getFloat();
        }
        grads.add(g32);
      }
    }
    return new Gradients(grads, sumSquares);
  }

  /**
   * Unscaled float32 gradients and their squared global norm. A non-finite norm means an overflow
   * (or NaN) somewhere: in float16 training the step is then skipped.
   */
  public record Gradients(List<NDArray> arrays, double sumSquares) {
    public boolean finite() {
      return Double.isFinite(sumSquares);
    }

    public double norm() {
      return Math.sqrt(sumSquares);
    }
  }
}
