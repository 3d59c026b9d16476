package io.flowmatch.training.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Accuracy of a trained classifier on labelled images, overall and per class (DJL, inference mode).
 */
public final class ClassifierEvaluation {
  private ClassifierEvaluation() {}

  private static final int BATCH = 500;

  /**
   * Correct and total counts per class.
   *
   * @param correct correct predictions per true class
   * @param total images per true class
   */
  public record Accuracy(long[] correct, long[] total) {
    public double overall() {
      long c = 0;
      long t = 0;
      for (int k = 0; k < total.length; k++) {
        c += correct[k];
        t += total[k];
      }
      return t == 0 ? 0 : (double) c / t;
    }

    /** Accuracy on class {@code k} (0 when it has no images). */
    public double ofClass(int k) {
      return total[k] == 0 ? 0 : (double) correct[k] / total[k];
    }
  }

  /** Runs the model over all images in batches and counts correct arg-max predictions. */
  public static Accuracy accuracy(FashionClassifier model, NDManager manager, LabelledImages data) {
    int classes = model.classes();
    long[] correct = new long[classes];
    long[] total = new long[classes];
    int per = data.rows() * data.cols();
    for (int from = 0; from < data.size(); from += BATCH) {
      int b = Math.min(BATCH, data.size() - from);
      float[] x = new float[b * per];
      System.arraycopy(data.pixels(), from * per, x, 0, b * per);
      try (NDManager sm = manager.newSubManager()) {
        NDArray xa = sm.create(x, new Shape(b, 1, data.rows(), data.cols()));
        NDList out = model.forward(new ParameterStore(sm, false), new NDList(xa), false);
        int[] predicted = out.get(0).argMax(1).toType(DataType.INT32, false).toIntArray();
        for (int i = 0; i < b; i++) {
          int label = data.labels()[from + i];
          total[label]++;
          if (predicted[i] == label) {
            correct[label]++;
          }
        }
      }
    }
    return new Accuracy(correct, total);
  }
}
