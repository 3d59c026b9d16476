package io.flowmatch.training.classifier;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.autograd.ScalarOps;
import io.flowmatch.training.train.AdamW;
import io.flowmatch.training.train.LearningRate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Trains a {@link FashionClassifier} with softmax cross-entropy and AdamW (float32), one shuffled
 * pass over the training images per epoch, cosine learning-rate decay after a short warm-up.
 * Everything random (weights, order, dropout) follows the seed, so a run repeats exactly.
 */
public final class ClassifierTraining {
  private ClassifierTraining() {}

  /**
   * Settings of a run.
   *
   * @param epochs passes over the training set
   * @param batch images per step
   * @param learningRate peak AdamW learning rate
   * @param weightDecay decoupled AdamW weight decay
   * @param seed seed of weights, batch order and dropout
   */
  public record Config(int epochs, int batch, double learningRate, double weightDecay, long seed) {
    public Config {
      if (epochs <= 0 || batch <= 0) {
        throw FlowmatchException.invalidArgument(
            "epochs and batch must be positive, got " + epochs + ", " + batch);
      }
    }

    /** The settings of the shipped model, for {@code epochs} epochs. */
    public static Config standard(int epochs) {
      return new Config(epochs, 128, 2e-3, 1e-4, 0);
    }
  }

  /** Figures of one finished epoch, handed to the progress callback. */
  public record Epoch(
      int epoch, int steps, double meanLoss, double trainAccuracy, double seconds) {}

  /**
   * Initialises {@code model} from the seed and trains it in place.
   *
   * @param model an uninitialised classifier
   * @param manager owner of the weights (must outlive the model's use)
   * @param progress called after every epoch
   */
  public static void train(
      FashionClassifier model,
      NDManager manager,
      LabelledImages data,
      Config config,
      Consumer<Epoch> progress) {
    train(model, manager, data, config, progress, steps -> {});
  }

  /** As above; {@code stepsDone} is told the number of optimizer steps done after each one. */
  public static void train(
      FashionClassifier model,
      NDManager manager,
      LabelledImages data,
      Config config,
      Consumer<Epoch> progress,
      LongConsumer stepsDone) {
    Engine.getInstance().setRandomSeed((int) config.seed());
    model.initialize(
        manager, DataType.FLOAT32, new Shape(config.batch(), 1, data.rows(), data.cols()));
    List<NDArray> params = new ArrayList<>();
    for (Pair<String, Parameter> p : model.getParameters()) {
      NDArray w = p.getValue().getArray();
      if (!w.hasGradient()) {
        w.setRequiresGradient(true);
      }
      params.add(w);
    }
    AdamW adam = new AdamW(manager, params, 0.9, 0.999, 1e-8, config.weightDecay());
    int n = data.size();
    int stepsPerEpoch = (n + config.batch() - 1) / config.batch();
    int total = stepsPerEpoch * config.epochs();
    LearningRate lr =
        new LearningRate(config.learningRate(), Math.min(200, total / 10), total, "cosine");
    Random order = new Random(config.seed());
    int[] index = new int[n];
    for (int i = 0; i < n; i++) {
      index[i] = i;
    }
    int per = data.rows() * data.cols();
    long step = 0;
    for (int epoch = 1; epoch <= config.epochs(); epoch++) {
      long start = System.nanoTime();
      shuffle(index, order);
      double lossSum = 0;
      long correct = 0;
      for (int s = 0; s < stepsPerEpoch; s++) {
        int from = s * config.batch();
        int b = Math.min(config.batch(), n - from);
        float[] x = new float[b * per];
        int[] y = new int[b];
        for (int k = 0; k < b; k++) {
          data.copyImage(index[from + k], x, k * per);
          y[k] = data.labels()[index[from + k]];
        }
        try (NDManager sm = manager.newSubManager()) {
          NDArray xa = sm.create(x, new Shape(b, 1, data.rows(), data.cols()));
          NDArray target = sm.create(y).oneHot(model.classes(), DataType.FLOAT32);
          for (NDArray w : params) {
            JniUtils.zeroGrad((PtNDArray) w);
          }
          NDArray logits;
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList out = model.forward(new ParameterStore(sm, false), new NDList(xa), true);
            logits = out.get(0);
            NDArray loss = ScalarOps.dividedBy(logits.logSoftmax(1).mul(target).sum().neg(), b);
            gc.backward(loss);
            lossSum += loss.getFloat() * b;
          }
          correct += countCorrect(logits.argMax(1).toType(DataType.INT32, false).toIntArray(), y);
          List<NDArray> grads = new ArrayList<>(params.size());
          for (NDArray w : params) {
            NDArray g = w.getGradient();
            g.attach(sm);
            grads.add(g);
          }
          adam.step(params, grads, lr.at(step));
        }
        step++;
        stepsDone.accept(step);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      progress.accept(new Epoch(epoch, stepsPerEpoch, lossSum / n, (double) correct / n, seconds));
    }
  }

  private static int countCorrect(int[] predicted, int[] labels) {
    int c = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        c++;
      }
    }
    return c;
  }

  private static void shuffle(int[] a, Random random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
