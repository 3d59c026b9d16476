package io.flowmatch.inference.cli;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;

import io.flowmatch.inference.analytic.GaussianMixtureGraph;
import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** ONNX models and data files for the compare and eval tests. */
public final class CompareTestModels {
  private CompareTestModels() {}

  static final double SPIRAL_DECAY = 0.5;
  static final double SPIRAL_OMEGA = 3;

  /**
   * The spiral v = A·x, A = [[−a, −ω], [ω, −a]] (a = 0.5, ω = 3), whose flow e^(−at)·R(ωt) is
   * smooth at every scale, so each method shows its order cleanly. t enters as 0·t.
   */
  static Path spiral(Path path) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("spiral");
    g.input("x", FLOAT, -1, 2).input("t", FLOAT, -1).output("v", FLOAT, -1, 2);
    float a = (float) SPIRAL_DECAY;
    float w = (float) SPIRAL_OMEGA;
    // v = x · Aᵀ: v0 = −a x0 − ω x1, v1 = ω x0 − a x1
    String m = g.floats("a_transposed", new float[] {-a, w, -w, -a}, 2, 2);
    String zeroT = zeroTime(g);
    g.nodeNamed("Add", "v", new String[] {g.node("MatMul", new String[] {"x", m}), zeroT});
    g.metadata(ModelMetadata.DATA_SHAPE, "2");
    g.save(path);
    return path;
  }

  /** A small analytic mixture model with the metadata compare and eval read (dataset gmm3). */
  static Path mixture(Path path) throws IOException {
    GaussianMixtureGraph.build(GaussianMixture.circle(3, 2, 0.4), false, "gmm3").save(path);
    return path;
  }

  /** Images [1, side, side]: v = −x (t enters as 0·t); metadata names no data set. */
  public static Path image(Path path, int side) throws IOException {
    return image(path, side, null);
  }

  /**
   * Images [1, side, side]: v = −x, with {@code flowmatch.dataset} = {@code dataset} if not null.
   */
  static Path image(Path path, int side, String dataset) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("image");
    g.input("x", FLOAT, -1, 1, side, side)
        .input("t", FLOAT, -1)
        .output("v", FLOAT, -1, 1, side, side);
    String tt =
        g.node("Reshape", new String[] {"t", g.longs("t_shape", new long[] {-1, 1, 1, 1}, 4)});
    String zeroT = g.node("Mul", new String[] {tt, g.scalar("zero", FLOAT, 0)});
    g.nodeNamed("Add", "v", new String[] {g.node("Neg", new String[] {"x"}), zeroT});
    g.metadata(ModelMetadata.DATA_SHAPE, "1," + side + "," + side)
        .metadata(ModelMetadata.DATA_RANGE, "-1,1");
    if (dataset != null) {
      g.metadata(ModelMetadata.DATASET, dataset);
    }
    g.save(path);
    return path;
  }

  /**
   * A classifier of images of the given shape: features = the flattened image, logits = features ·
   * W with W[k][c] = 1 when k mod 3 = c (three classes: sums of every third pixel).
   */
  public static Path classifier(Path path, int channels, int height, int width) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("classifier");
    int d = channels * height * width;
    g.input("x", FLOAT, -1, channels, height, width)
        .output("logits", FLOAT, -1, 3)
        .output("features", FLOAT, -1, d);
    float[] w = new float[d * 3];
    for (int k = 0; k < d; k++) {
      w[k * 3 + k % 3] = 1;
    }
    g.nodeNamed("Flatten", "features", new String[] {"x"}, OnnxGraphBuilder.attr("axis", 1L));
    g.nodeNamed("MatMul", "logits", new String[] {"features", g.floats("w", w, d, 3)});
    g.metadata(ModelMetadata.CLASSES, "first,second,third");
    g.save(path);
    return path;
  }

  /** A classifier without the {@code features} output. */
  static Path classifierWithoutFeatures(Path path) throws IOException {
    OnnxGraphBuilder g = new OnnxGraphBuilder("classifier");
    g.input("x", FLOAT, -1, 1, 4, 4).output("logits", FLOAT, -1, 16);
    g.nodeNamed("Flatten", "logits", new String[] {"x"}, OnnxGraphBuilder.attr("axis", 1L));
    g.save(path);
    return path;
  }

  /** 0·t reshaped to [N, 1], to add to 2-D outputs. */
  private static String zeroTime(OnnxGraphBuilder g) {
    String tt = g.node("Reshape", new String[] {"t", g.longs("t_shape", new long[] {-1, 1}, 2)});
    return g.node("Mul", new String[] {tt, g.scalar("zero", FLOAT, 0)});
  }

  /** n rows of N(mean, std²) values, shape [n, ...shape], written as .npy. */
  static float[] gaussianNpy(Path path, long seed, int n, int[] shape, double mean, double std)
      throws IOException {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * size];
    for (int i = 0; i < x.length; i++) {
      double u1 = 1 - r.nextDouble();
      double u2 = r.nextDouble();
      x[i] = (float) (mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    int[] full = new int[shape.length + 1];
    full[0] = n;
    System.arraycopy(shape, 0, full, 1, shape.length);
    Npy.write(path, full, x);
    return x;
  }
}
