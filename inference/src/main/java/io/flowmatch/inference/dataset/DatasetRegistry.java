package io.flowmatch.inference.dataset;

import io.flowmatch.inference.error.FlowmatchException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one registry of data sets by name, for training and for scoring: the 2-D sets drawn in code
 * ({@link #drawToy}) and the image sets read from IDX files. A new 2-D set is one {@link ToySet}
 * and one line in {@link #TOY}.
 */
public final class DatasetRegistry {
  private DatasetRegistry() {}

  private static final Map<String, ToySet> TOY = new LinkedHashMap<>();

  static {
    TOY.put("moons", ToySets::moons);
    TOY.put("8gaussians", ToySets::eightGaussians);
    TOY.put("checkerboard", ToySets::checkerboard);
    TOY.put("spirals", ToySets::spirals);
    TOY.put("circles", ToySets::circles);
  }

  /** Names of the 2-D sets, in registration order. */
  public static final List<String> TOY_SETS = List.copyOf(TOY.keySet());

  /** Image sets read from IDX files. */
  public static final List<String> IMAGE_SETS = List.of("fashion-mnist", "mnist");

  /** Bounds of every 2-D set: points are clamped to them. */
  public static final double[] TOY_RANGE = {-4, 4};

  /** Where Debian's {@code dataset-fashion-mnist} package puts the files. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** Default folder of MNIST (no package installs it here). */
  public static final Path MNIST_DIR = Path.of("/usr/share/datasets/mnist");

  /** Every valid name: the 2-D sets, then the image sets. */
  public static List<String> names() {
    List<String> all = new ArrayList<>(TOY_SETS);
    all.addAll(IMAGE_SETS);
    return Collections.unmodifiableList(all);
  }

  public static boolean isToy(String name) {
    return TOY.containsKey(name);
  }

  /** Sample shape of a data set, known without loading it. */
  public static int[] sampleShape(String name) {
    check(name);
    return IMAGE_SETS.contains(name) ? new int[] {1, 28, 28} : new int[] {2};
  }

  /** The default IDX folder of an image set. */
  public static Path defaultDir(String name) {
    return name.equals("mnist") ? MNIST_DIR : FASHION_MNIST_DIR;
  }

  /**
   * {@code count} points of a 2-D set from {@code random}, row-major {@code [count, 2]}, clamped to
   * {@link #TOY_RANGE}.
   *
   * @throws FlowmatchException (invalid argument) for a name that is not a 2-D set
   */
  public static float[] drawToy(String name, int count, SplittableRandom random) {
    ToySet set = TOY.get(name);
    if (set == null) {
      throw FlowmatchException.invalidArgument(
          "unknown 2-D data set '" + name + "', expected one of " + String.join(", ", TOY_SETS));
    }
    float[] xy = new float[Math.multiplyExact(2, count)];
    double[] p = new double[2];
    for (int i = 0; i < count; i++) {
      set.point(random, p);
      xy[2 * i] = (float) clamp(p[0]);
      xy[2 * i + 1] = (float) clamp(p[1]);
    }
    return xy;
  }

  /** {@link #drawToy(String, int, SplittableRandom)} from a seed (what training draws). */
  public static float[] drawToy(String name, int count, long seed) {
    return drawToy(name, count, new SplittableRandom(seed));
  }

  private static double clamp(double v) {
    return Math.max(TOY_RANGE[0], Math.min(TOY_RANGE[1], v));
  }

  /**
   * @throws FlowmatchException (invalid argument) naming the valid names
   */
  public static void check(String name) {
    if (!names().contains(name)) {
      throw FlowmatchException.invalidArgument(
          "unknown data set '" + name + "', expected one of " + String.join(", ", names()));
    }
  }
}
