package io.flowmatch.cli;

import ai.djl.ndarray.NDManager;
import io.flowmatch.inference.cli.DeclaresOutputs;
import io.flowmatch.inference.cli.FailureException;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.cli.UsageException;
import io.flowmatch.inference.dataset.CorruptDataException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.training.classifier.ClassifierEvaluation;
import io.flowmatch.training.classifier.ClassifierGraph;
import io.flowmatch.training.classifier.ClassifierParity;
import io.flowmatch.training.classifier.ClassifierTraining;
import io.flowmatch.training.classifier.FashionClassifier;
import io.flowmatch.training.classifier.LabelledImages;
import io.flowmatch.training.data.Datasets;
import io.flowmatch.training.runtime.PyTorchRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch train-classifier}: trains the Fashion-MNIST classifier whose features the image
 * quality metrics use, reports its test accuracy, and exports it to ONNX after a parity check.
 */
@Command(
    name = "train-classifier",
    footerHeading = "%nExamples:%n",
    footer = {"  flowmatch train-classifier --epochs 1 --threads 1 --out classifier.onnx"},
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Trains a small CNN classifier on Fashion-MNIST for the image metrics (DJL, float32).",
      "It prints its accuracy on the 10k test images and writes it as ONNX: input x [N,1,28,28]"
          + " in [-1,1], outputs logits [N,10] and features [N,128] (for Fréchet distances)."
    })
public final class TrainClassifierCommand implements Callable<Integer>, DeclaresOutputs {
  private static final String[] CLASS_NAMES = ClassifierGraph.FASHION_MNIST_CLASSES.split(",");

  @Spec CommandSpec spec;

  @Option(
      names = "--epochs",
      paramLabel = "E",
      defaultValue = "5",
      description = "passes over the 60k training images (default 5)")
  int epochs;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      required = true,
      description = "model file, e.g. models/fashion-mnist-classifier.onnx")
  Path out;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "folder of the IDX files (default /usr/share/datasets/fashion-mnist)")
  Path dataDir;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "128",
      description = "images per step (default 128)")
  int batch;

  @Option(
      names = "--lr",
      paramLabel = "LR",
      defaultValue = "2e-3",
      description = "peak AdamW learning rate, cosine decay (default 2e-3)")
  double lr;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "0",
      description = "seed of weights, order and dropout (default 0)")
  long seed;

  @Option(
      names = "--train-limit",
      paramLabel = "N",
      description = "train on the first N training images only (quick runs)")
  Integer trainLimit;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads (default: all cores)")
  Integer threads;

  @Mixin TrainingOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(out);
  }

  @Override
  public Integer call() {
    positive("--epochs", epochs);
    positive("--batch", batch);
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new UsageException("--lr must be a positive number, got " + lr);
    }
    if (trainLimit != null) {
      positive("--train-limit", trainLimit);
    }
    if (threads != null) {
      positive("--threads", threads);
      io.flowmatch.inference.runtime.ThreadCount.check("--threads", threads);
    }
    Path dir = dataDir != null ? dataDir : Datasets.FASHION_MNIST_DIR;
    if (!Files.isDirectory(dir)) {
      throw new UsageException("--data-dir " + dir + " is not a folder");
    }
    if (Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is a folder, expected a file name");
    }
    checkWritable(out);

    PrintWriter o = spec.commandLine().getOut();
    LabelledImages train;
    LabelledImages test;
    try {
      train = LabelledImages.read(dir, LabelledImages.Split.TRAIN, CLASS_NAMES.length);
      test = LabelledImages.read(dir, LabelledImages.Split.TEST, CLASS_NAMES.length);
    } catch (CorruptDataException e) {
      throw new FailureException(e.getMessage(), e);
    } catch (IOException e) {
      throw new FailureException("cannot read " + dir + ": " + e.getMessage(), e);
    }
    if (trainLimit != null) {
      train = train.head(trainLimit);
    }
    loadEngine();
    if (threads != null) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }

    ClassifierTraining.Config config = new ClassifierTraining.Config(epochs, batch, lr, 1e-4, seed);
    FashionClassifier model = FashionClassifier.standard();
    long start = System.nanoTime();
    try (NDManager manager = NDManager.newBaseManager()) {
      int stepsPerEpoch = (train.size() + batch - 1) / batch;
      // --quiet: the start, epoch, parity and "wrote" lines go; the test accuracies are the result
      PrintWriter info = output.quiet ? new PrintWriter(Writer.nullWriter()) : o;
      info.printf(
          Locale.ROOT,
          "train-classifier: %d training images, %d test images, %d %s of %d steps%n",
          train.size(),
          test.size(),
          epochs,
          epochs == 1 ? "epoch" : "epochs",
          stepsPerEpoch);
      info.flush();
      PrintWriter err = spec.commandLine().getErr();
      try (Progress bar =
          Progress.open(
              err,
              "train-classifier",
              (long) epochs * stepsPerEpoch,
              "steps",
              output.quiet,
              output.progress)) {
        ClassifierTraining.train(
            model,
            manager,
            train,
            config,
            e -> {
              info.println(
                  "epoch "
                      + e.epoch()
                      + ": loss "
                      + Numbers.fixed(e.meanLoss(), 4)
                      + ", train accuracy "
                      + Numbers.fixed(100 * e.trainAccuracy(), 2)
                      + "%, "
                      + Numbers.fixed(e.seconds(), 1)
                      + " s");
              info.flush();
            },
            steps ->
                bar.update(steps, "epoch " + (1 + (steps - 1) / stepsPerEpoch) + "/" + epochs));
      }
      double trainSeconds = (System.nanoTime() - start) / 1e9;
      ClassifierEvaluation.Accuracy acc = ClassifierEvaluation.accuracy(model, manager, test);
      o.println(
          "test accuracy "
              + Numbers.fixed(100 * acc.overall(), 2)
              + "% ("
              + test.size()
              + " images), training "
              + Numbers.fixed(trainSeconds, 0)
              + " s");
      for (int k = 0; k < CLASS_NAMES.length; k++) {
        o.printf(Locale.ROOT, "  %-12s %6.2f%%%n", CLASS_NAMES[k], 100 * acc.ofClass(k));
      }

      Map<String, String> meta = new LinkedHashMap<>();
      meta.put(ClassifierGraph.TEST_ACCURACY, Numbers.fixed(acc.overall(), 4));
      meta.put(
          io.flowmatch.inference.field.ModelMetadata.PREFIX + "epochs", Integer.toString(epochs));
      meta.put(io.flowmatch.inference.field.ModelMetadata.PREFIX + "seed", Long.toString(seed));
      meta.put(
          io.flowmatch.inference.field.ModelMetadata.PREFIX + "training_images",
          Integer.toString(train.size()));
      meta.put(
          io.flowmatch.inference.field.ModelMetadata.DATE,
          Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      byte[] onnx = ClassifierGraph.build(model, meta);
      ClassifierParity.Result parity = ClassifierParity.check(model, onnx, test, 64);
      info.println(parity.describe());
      if (!parity.passed()) {
        throw new FailureException("export refused: " + parity.describe() + "; nothing written");
      }
      try {
        OnnxGraphBuilder.writeAtomically(out, onnx);
      } catch (IOException e) {
        throw new FailureException("cannot write " + out + ": " + ioMessage(e), e);
      }
      info.printf(Locale.ROOT, "wrote %s (%d bytes)%n", out, onnx.length);
      info.flush();
      o.flush();
      return 0;
    }
  }

  /** Fails before hours of training if the model could not be written where asked. */
  private static void checkWritable(Path out) {
    Path dir = out.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, "." + out.getFileName(), ".probe");
      Files.delete(probe);
    } catch (IOException e) {
      throw new FailureException("cannot write " + out + ": " + ioMessage(e), e);
    }
  }

  private static String ioMessage(IOException e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + " exists and is not a folder";
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return "permission denied on " + a.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason().toLowerCase(Locale.ROOT);
    }
    return e.getMessage();
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new UsageException(name + " must be a positive integer, got " + value);
    }
  }

  private static void loadEngine() {
    try {
      PyTorchRuntime.engine();
    } catch (RuntimeException | LinkageError e) {
      throw new FailureException("could not load DJL's PyTorch engine: " + e.getMessage(), e);
    }
  }
}
