package io.flowmatch.training.data;

import io.flowmatch.inference.dataset.CorruptDataException;
import io.flowmatch.inference.dataset.DatasetRegistry;
import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.error.FlowmatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads a training set by name (names, shapes and the 2-D generators are {@link
 * DatasetRegistry}'s): the 2-D sets are generated, the image sets read from IDX files.
 */
public final class Datasets {
  private Datasets() {}

  /** Image sets read from IDX files. */
  public static final List<String> IMAGE_SETS = DatasetRegistry.IMAGE_SETS;

  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  public static final Path FASHION_MNIST_DIR = DatasetRegistry.FASHION_MNIST_DIR;

  /** Default folder of MNIST (no package installs it here; use --data-dir). */
  public static final Path MNIST_DIR = DatasetRegistry.MNIST_DIR;

  /** The training images' file name (gzipped, as distributed). */
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";

  /** Every valid data set name. */
  public static List<String> names() {
    return DatasetRegistry.names();
  }

  /** Sample shape of a data set, known without loading it. */
  public static int[] sampleShape(String name) {
    return DatasetRegistry.sampleShape(name);
  }

  /** The default data folder of an image set. */
  public static Path defaultDir(String name) {
    return DatasetRegistry.defaultDir(name);
  }

  /**
   * Loads a data set.
   *
   * @param name one of {@link #names()}
   * @param dataDir folder of the IDX files; null for the default (ignored by the 2-D sets)
   * @param seed seed of the 2-D generators
   * @throws FlowmatchException unknown name, or a folder without the expected files
   * @throws IOException unreadable or corrupt files
   */
  public static TrainingData load(String name, Path dataDir, long seed) throws IOException {
    checkName(name);
    if (ToyDatasets.NAMES.contains(name)) {
      return ToyDatasets.generate(name, ToyDatasets.DEFAULT_SIZE, seed);
    }
    Path dir = dataDir != null ? dataDir : defaultDir(name);
    Path gz = dir.resolve(TRAIN_IMAGES);
    Path plain = dir.resolve("train-images-idx3-ubyte");
    Path file = Files.isRegularFile(gz) ? gz : Files.isRegularFile(plain) ? plain : null;
    if (file == null) {
      String how =
          name.equals("fashion-mnist")
              ? "install it with 'apt-get install dataset-fashion-mnist' or point --data-dir at a folder holding it"
              : "download the " + name + " IDX files and point --data-dir at their folder";
      throw FlowmatchException.invalidArgument(
          "data folder "
              + dir
              + " has no "
              + TRAIN_IMAGES
              + " (nor train-images-idx3-ubyte) for "
              + name
              + "; "
              + how);
    }
    ImageData images = new ImageData(name, IdxImages.readPixels(file));
    int[] shape = images.sampleShape();
    if (shape[1] != 28 || shape[2] != 28) {
      throw new CorruptDataException(
          "corrupt IDX file "
              + file
              + ": images are "
              + shape[1]
              + "×"
              + shape[2]
              + ", expected 28×28 for "
              + name);
    }
    return images;
  }

  private static void checkName(String name) {
    DatasetRegistry.check(name);
  }
}
