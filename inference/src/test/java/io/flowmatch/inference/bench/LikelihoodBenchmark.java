package io.flowmatch.inference.bench;

import io.flowmatch.inference.dataset.IdxImages;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.jvp.JvpModel;
import io.flowmatch.inference.likelihood.BitsPerDim;
import io.flowmatch.inference.likelihood.DivergenceMethod;
import io.flowmatch.inference.likelihood.Likelihood;
import io.flowmatch.inference.likelihood.LikelihoodResult;
import io.flowmatch.inference.likelihood.LikelihoodSettings;
import io.flowmatch.inference.likelihood.NllSummary;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The likelihood figures of docs/likelihood.md, printed as Markdown tables (one ORT thread):
 *
 * <ul>
 *   <li>{@code jvp-cost}: time of one JVP-graph call against one plain call of the same rows,
 *       alternated, medians of 15;
 *   <li>{@code hutchinson IMAGES}: bits/dim of the first IMAGES Fashion-MNIST test images with the
 *       exact divergence and with Hutchinson K = 1 and K = 4 (8 probe draws each; rk4, 10 steps, so
 *       every draw takes the same steps), per-image bias and spread against exact, time per image;
 *   <li>{@code nfe IMAGES}: bits/dim of the first IMAGES test images (Hutchinson K = 1, the same
 *       probes and dequantisation for every solver) against NFE for fixed-step and adaptive
 *       solvers.
 * </ul>
 *
 * <p>Run: {@code mvn -B -q -o test-compile -pl inference && java -cp
 * inference/target/test-classes:inference/target/classes:$(cat inference/target/classpath.txt)
 * io.flowmatch.inference.bench.LikelihoodBenchmark models/fashion-mnist-dit.onnx jvp-cost}
 */
public final class LikelihoodBenchmark {
  private LikelihoodBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path model = Path.of(args[0]);
    String section = args[1];
    int images = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    FieldOptions options = FieldOptions.defaults().withThreads(1);
    System.out.println("CPU: " + cpu() + "; model " + model + "; 1 ORT thread");
    try (JvpModel jvp = JvpModel.open(model, options)) {
      switch (section) {
        case "jvp-cost":
          jvpCost(jvp);
          break;
        case "hutchinson":
          hutchinson(jvp, images);
          break;
        case "nfe":
          nfe(jvp, images);
          break;
        default:
          throw new IllegalArgumentException("section must be jvp-cost, hutchinson or nfe");
      }
    }
  }

  static void jvpCost(JvpModel jvp) {
    OnnxVelocityField field = jvp.field();
    int d = jvp.sampleSize();
    System.out.println("| rows per call | plain call (ms) | JVP-graph call (ms) | ratio |");
    System.out.println("|---|---|---|---|");
    for (int rows : new int[] {1, 32, 256}) {
      SplittableRandom random = new SplittableRandom(1);
      float[] x = new float[rows * d];
      float[] u = new float[rows * d];
      float[] t = new float[rows];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) random.nextGaussian();
        u[i] = random.nextBoolean() ? 1f : -1f;
      }
      Arrays.fill(t, 0.5f);
      float[] v = new float[rows * d];
      float[] j = new float[rows * d];
      int repeats = 15;
      long[] plain = new long[repeats];
      long[] tangent = new long[repeats];
      for (int r = -2; r < repeats; r++) { // two warm-up rounds
        long a = System.nanoTime();
        field.evaluate(x, t, rows, v);
        long b = System.nanoTime();
        jvp.evaluate(x, t, u, rows, v, j);
        long c = System.nanoTime();
        if (r >= 0) {
          plain[r] = b - a;
          tangent[r] = c - b;
        }
      }
      double p = median(plain) / 1e6;
      double q = median(tangent) / 1e6;
      System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2f× |%n", rows, p, q, q / p);
    }
  }

  static void hutchinson(JvpModel jvp, int images) {
    float[] x = testImages(jvp, images);
    // a fixed grid: the same steps for every probe draw, so the estimates differ only by probes
    OdeSolver solver = Solvers.create("rk4", SolverSettings.fixed(10));
    System.out.println("solver rk4, 10 steps (40 NFE)");
    int d = jvp.sampleSize();
    double[] exact = run(jvp, solver, x, images, LikelihoodSettings.builder().build(), "exact");
    for (int k : new int[] {1, 4}) {
      // 8 independent probe draws per image: bias = mean over draws − exact; spread = sd over draws
      int draws = 8;
      double[][] est = new double[draws][];
      long start = System.nanoTime();
      for (int s = 0; s < draws; s++) {
        est[s] =
            run(
                jvp,
                solver,
                x,
                images,
                LikelihoodSettings.builder()
                    .method(DivergenceMethod.HUTCHINSON)
                    .probes(k)
                    .seed(100 + s)
                    .build(),
                null);
      }
      double perImage = (System.nanoTime() - start) / 1e9 / draws / images;
      NllSummary bias = new NllSummary();
      double sdSum = 0;
      for (int i = 0; i < images; i++) {
        NllSummary one = new NllSummary();
        for (int s = 0; s < draws; s++) {
          one.add(bpd(est[s][i], d));
        }
        bias.add(one.mean() - bpd(exact[i], d));
        sdSum += one.std();
      }
      System.out.printf(
          Locale.ROOT,
          "Hutchinson K=%d (%d draws × %d images): bias %.4f ± %.4f"
              + " bits/dim (mean over images of draw mean − exact, ± SE), probe sd per image %.4f"
              + " bits/dim (mean over images), %.1f s per image per draw%n",
          k,
          draws,
          images,
          bias.mean(),
          bias.standardError(),
          sdSum / images,
          perImage);
    }
  }

  static void nfe(JvpModel jvp, int images) {
    float[] x = testImages(jvp, images);
    LikelihoodSettings settings =
        LikelihoodSettings.builder().method(DivergenceMethod.HUTCHINSON).probes(1).seed(7).build();
    String[][] solvers = {
      {"euler", "10"},
      {"euler", "20"},
      {"euler", "50"},
      {"euler", "100"},
      {"heun", "5"},
      {"heun", "10"},
      {"heun", "25"},
      {"heun", "50"},
      {"rk4", "5"},
      {"rk4", "10"},
      {"rk4", "25"},
      {"dopri5", "1e-3"},
      {"dopri5", "1e-4"},
      {"dopri5", "1e-5"},
      {"dopri5", "1e-6"},
    };
    System.out.println(
        "| solver | setting | mean NFE | bits/dim (± SE over images) | s per image |");
    System.out.println("|---|---|---|---|---|");
    for (String[] s : solvers) {
      OdeSolver solver =
          s[0].equals("dopri5")
              ? Solvers.create(
                  "dopri5",
                  SolverSettings.adaptive(Double.parseDouble(s[1]), Double.parseDouble(s[1]))
                      .withMaxEvaluations(100_000))
              : Solvers.create(s[0], SolverSettings.fixed(Integer.parseInt(s[1])));
      long start = System.nanoTime();
      double[] nfe = new double[1];
      double[] nll = run(jvp, solver, x, images, settings, null, nfe);
      double seconds = (System.nanoTime() - start) / 1e9;
      NllSummary b = new NllSummary();
      for (double v : nll) {
        b.add(bpd(v, jvp.sampleSize()));
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %.1f | %.4f ± %.4f | %.2f |%n",
          s[0],
          s[0].equals("dopri5") ? "rtol = atol = " + s[1] : s[1] + " steps",
          nfe[0],
          b.mean(),
          b.standardError(),
          seconds / images);
    }
  }

  static double[] run(
      JvpModel jvp, OdeSolver solver, float[] x, int n, LikelihoodSettings settings, String label) {
    return run(jvp, solver, x, n, settings, label, new double[1]);
  }

  static double[] run(
      JvpModel jvp,
      OdeSolver solver,
      float[] x,
      int n,
      LikelihoodSettings settings,
      String label,
      double[] meanNfe) {
    long start = System.nanoTime();
    LikelihoodResult r = new Likelihood(jvp, solver, settings).logDensity(x.clone(), n, 0, null);
    double seconds = (System.nanoTime() - start) / 1e9;
    meanNfe[0] = r.solve().meanNfe();
    double[] nll = new double[n];
    NllSummary s = new NllSummary();
    for (int i = 0; i < n; i++) {
      nll[i] = r.nll(i);
      s.add(bpd(nll[i], jvp.sampleSize()));
    }
    if (label != null) {
      System.out.printf(
          Locale.ROOT,
          "%s divergence (%d images): %.4f ± %.4f bits/dim, NFE %.1f," + " %.1f s per image%n",
          label,
          n,
          s.mean(),
          s.standardError(),
          r.solve().meanNfe(),
          seconds / n);
    }
    return nll;
  }

  static double bpd(double nll, int d) {
    return BitsPerDim.of(nll, d, -1, 1);
  }

  /** The first n test images, dequantised as {@code flowmatch likelihood} does (seed 0). */
  static float[] testImages(JvpModel jvp, int n) {
    try {
      IdxImages.Pixels p =
          IdxImages.readPixels(
              Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"));
      float[] x = new float[n * 784];
      for (int i = 0; i < n; i++) {
        p.copyScaled(i, x, i * 784, -1, 1);
      }
      BitsPerDim.dequantizeScaled(x, -1, 1, 0);
      return x;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static double median(long[] values) {
    long[] s = values.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static String cpu() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (java.io.IOException e) {
      // fall through
    }
    return "unknown";
  }
}
