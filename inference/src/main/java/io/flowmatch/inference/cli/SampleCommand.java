package io.flowmatch.inference.cli;

import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.io.Npy;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.NpyFormatException;
import io.flowmatch.inference.io.NpyHeader;
import io.flowmatch.inference.io.NpyStreamWriter;
import io.flowmatch.inference.io.Png;
import io.flowmatch.inference.plot.ImageGrid;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.sampling.NoiseSource;
import io.flowmatch.inference.sampling.NpyNoise;
import io.flowmatch.inference.sampling.Numbers;
import io.flowmatch.inference.sampling.SampleReport;
import io.flowmatch.inference.sampling.Sampler;
import io.flowmatch.inference.solver.OdeSolver;
import io.flowmatch.inference.solver.SolverException;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.solver.Solvers;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch sample}: draws samples from a flow-matching model by integrating its velocity
 * field from noise (t = 0) to data (t = 1), and writes a PNG (image grid or 2-D scatter plot)
 * and/or a NumPy {@code .npy} file.
 */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sample from a flow-matching model: integrate its velocity field from noise (t=0) to data (t=1).",
      "Writes a PNG (image grid for image models, scatter plot for 2-D models) and/or a .npy file, and"
          + " prints one summary line: samples, NFE per sample, wall time, samples/s, ms per model call.",
      "The same seed, model, solver, provider and threads give bit-identical samples on CPU."
    })
public final class SampleCommand implements Callable<Integer> {

  /** Default models, tried in order, relative to the project root. */
  static final String[] DEFAULT_MODELS = {"models/fashion-mnist-unet.onnx", "models/gmm8.onnx"};
  /** The launcher passes the project root in this system property. */
  public static final String HOME_PROPERTY = "flowmatch.home";
  /** Image grids show at most this many samples (a 32×32 grid). */
  public static final int MAX_GRID_IMAGES = 1024;
  /** Scatter plots show at most this many points. */
  public static final int MAX_SCATTER_POINTS = 200_000;
  static final String DEFAULT_SOLVER = "heun";
  static final int DEFAULT_STEPS = 20;
  static final int DEFAULT_N = 1000;
  static final int DEFAULT_N_IMAGES = 64;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "M",
      description = {
        "ONNX model (inputs x [N,...], t [N]; output v). Default: models/fashion-mnist-unet.onnx if"
            + " present, else models/gmm8.onnx, in the flowmatch folder."
      })
  Path model;

  @Option(
      names = "--n",
      paramLabel = "N",
      description = "Number of samples (default: 1000, 64 for image models, all rows of --noise).")
  Integer n;

  @Option(
      names = "--batch",
      paramLabel = "B",
      description = "Samples per solve and per model call (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + FieldOptions.DEFAULT_MAX_BATCH)
  int batch;

  @Option(
      names = "--solver",
      paramLabel = "S",
      description = "ODE solver (default: ${DEFAULT-VALUE}); see the list below.",
      defaultValue = DEFAULT_SOLVER)
  String solver;

  @Option(
      names = "--steps",
      paramLabel = "K",
      description = "Steps of a fixed-step solver (default: " + DEFAULT_STEPS + ").")
  Integer steps;

  @Option(
      names = "--rtol",
      paramLabel = "R",
      description = "Relative tolerance of an adaptive solver (default: 1e-5).")
  Double rtol;

  @Option(
      names = "--atol",
      paramLabel = "A",
      description = "Absolute tolerance of an adaptive solver (default: 1e-5).")
  Double atol;

  @Option(
      names = "--max-evals",
      paramLabel = "E",
      description = "Evaluation bound of an adaptive solver (default: 10000); the run fails beyond it.")
  Long maxEvals;

  @Option(
      names = "--grid",
      paramLabel = "G",
      description = "Time grid of a fixed-step solver: uniform, quadratic or edm (default: uniform).")
  String grid;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the Gaussian noise (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Option(
      names = "--noise",
      paramLabel = "FILE",
      description = "Initial noise from a .npy file of shape [N, ...data shape] (float32/16/64) instead of --seed.")
  Path noise;

  @Option(
      names = "--provider",
      paramLabel = "P",
      description = "Execution provider: cpu, cuda or tensorrt (default: ${DEFAULT-VALUE}).",
      defaultValue = "cpu")
  String provider;

  @Option(
      names = "--strict",
      description = "Fail instead of falling back to cpu when a GPU provider cannot load.")
  boolean strict;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "Intra-op threads of ONNX Runtime; 0 = one per core (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int threads;

  @Option(
      names = "--optimization",
      paramLabel = "O",
      description = "Graph optimisation level: all, extended, basic or none (default: ${DEFAULT-VALUE}).",
      defaultValue = "all")
  String optimization;

  @Option(
      names = "--shape",
      paramLabel = "D",
      description = "Shape of one sample, e.g. 2 or 1,28,28, for models without flowmatch.data_shape metadata.")
  String shape;

  @Option(
      names = "--out",
      paramLabel = "FILE.png",
      description = {
        "PNG: an image grid for image models (first " + MAX_GRID_IMAGES + " samples), a scatter plot"
            + " for 2-D models (first " + MAX_SCATTER_POINTS + ")."
      })
  Path out;

  @Option(
      names = "--save-npy",
      paramLabel = "FILE.npy",
      description = "Write all final samples as float32 [N, ...data shape] (numpy.load reads it).")
  Path saveNpy;

  @Option(
      names = "--upscale",
      paramLabel = "U",
      description = "Image grids: each pixel becomes U×U pixels (default: 2 for 28×28, 1 from 56 up).")
  Integer upscale;

  @Option(
      names = "--plot-range",
      paramLabel = "LO,HI",
      description = "Scatter plots: a fixed range for both axes, e.g. -4,4 (default: fit the samples).")
  String plotRange;

  @Option(names = "--progress", description = "Always show the progress bar (default: only on a terminal).")
  boolean progress;

  @Option(names = "--quiet", description = "No summary line and no progress bar.")
  boolean quiet;

  @Option(names = "--verbose", description = "Details on stderr; stack traces on errors.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();

    // ---- everything that needs no model: fail fast ----
    requirePositive("--n", n);
    requirePositive("--batch", batch);
    requirePositive("--steps", steps);
    if (threads < 0) {
      throw new UsageException("--threads must be 0 (one per core) or a positive integer, got " + threads);
    }
    if (upscale != null && upscale < 1) {
      throw new UsageException("--upscale must be a positive integer, got " + upscale);
    }
    OdeSolver ode = createSolver();
    int[] shapeOverride = shape == null ? null : parseShape(shape);
    ScatterPlot.Bounds fixedBounds = null;
    if (plotRange != null) {
      try {
        fixedBounds = ScatterPlot.square(ValueRange.parse(plotRange));
      } catch (IllegalArgumentException e) {
        throw new UsageException("--plot-range: " + e.getMessage());
      }
    }
    if (out != null && !out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
      throw new UsageException("--out must name a .png file, got '" + out + "' (use --save-npy for NumPy output)");
    }
    if (saveNpy != null && !saveNpy.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".npy")) {
      throw new UsageException("--save-npy must name a .npy file, got '" + saveNpy + "'");
    }
    Path modelPath = resolveModel();

    NpyFile noiseFile = openNoise();
    try {
      FieldOptions options =
          new FieldOptions(
              provider,
              strict,
              threads,
              optimization,
              batch,
              shapeOverride,
              line -> stderr.println("warning: " + line));
      long loadStart = System.nanoTime();
      try (OnnxVelocityField field = OnnxVelocityField.open(modelPath, options)) {
        int[] sampleShape = field.sampleShape();
        boolean images = ImageGrid.isImageShape(sampleShape);
        boolean points = sampleShape.length == 1 && sampleShape[0] == 2;
        if (out != null && !images && !points) {
          throw new UsageException(
              "--out cannot draw samples of shape " + Arrays.toString(sampleShape)
                  + ": a PNG needs [2] (scatter plot) or [C,H,W] with C = 1 or 3 (image grid); use --save-npy");
        }
        int count = sampleCount(noiseFile, sampleShape, images);
        if (verbose) {
          stderr.printf(
              Locale.ROOT,
              "model %s: %s input, provider %s, sample shape %s, loaded in %s s%n",
              modelPath, field.inputType(), field.providerUsed(), Arrays.toString(sampleShape),
              Numbers.fixed((System.nanoTime() - loadStart) / 1e9, 2));
          field.metadata().forEach((k, v) -> stderr.println("  " + k + " = " + v));
          stderr.println("solver " + describeSolver() + "; " + count + " samples in batches of " + Math.min(batch, count)
              + (noiseFile != null ? "; noise from " + noise : "; seed " + seed));
        }
        return run(field, ode, sampleShape, images, count, noiseFile, fixedBounds, stdout, stderr);
      }
    } finally {
      if (noiseFile != null) {
        noiseFile.close();
      }
    }
  }

  private int run(
      OnnxVelocityField field,
      OdeSolver ode,
      int[] sampleShape,
      boolean images,
      int count,
      NpyFile noiseFile,
      ScatterPlot.Bounds fixedBounds,
      PrintWriter stdout,
      PrintWriter stderr)
      throws IOException {
    int size = field.sampleSize();
    int kept = out == null ? 0 : Math.min(count, images ? MAX_GRID_IMAGES : MAX_SCATTER_POINTS);
    float[] plotted = new float[Math.multiplyExact(kept, size)];
    NoiseSource source = noiseFile != null ? new NpyNoise(noiseFile) : new GaussianNoise(seed);
    boolean showProgress = !quiet && (progress || System.console() != null);

    NpyStreamWriter npy = saveNpy == null ? null : openNpy(sampleShape);
    try (ProgressBar bar = showProgress ? new ProgressBar(stderr, "sample") : null) {
      Sampler.Sink sink =
          (first, m, x) -> {
            if (first < kept) {
              int k = (int) Math.min(m, kept - first);
              System.arraycopy(x, 0, plotted, (int) first * size, k * size);
            }
            if (npy != null) {
              try {
                npy.append(x, m);
              } catch (IOException e) {
                throw new FailureException("cannot write --save-npy " + saveNpy + ": " + ioMessage(e), e);
              }
            }
          };
      SampleReport report;
      try {
        report =
            Sampler.run(field, ode, source, count, batch, 0, 1, sink, bar == null ? Sampler.Progress.NONE : bar);
      } catch (SolverException e) {
        throw new FailureException(e.getMessage(), e);
      }
      if (npy != null) {
        try {
          npy.commit();
        } catch (IOException e) {
          throw new FailureException("cannot write --save-npy " + saveNpy + ": " + ioMessage(e), e);
        }
      }
      if (out != null) {
        try {
          writePng(field, sampleShape, images, kept, plotted, fixedBounds, stderr);
        } catch (IOException e) {
          throw new FailureException("cannot write --out " + out + ": " + ioMessage(e), e);
        }
      }
      if (bar != null) {
        bar.close();
      }
      if (!quiet) {
        stdout.println(summary(report, sampleShape, field.providerUsed()));
        if (saveNpy != null) {
          stdout.println("wrote " + saveNpy + " (" + count + " samples, shape "
              + NpyHeader.shapeString(prepend(count, sampleShape)) + ", float32)");
        }
        if (out != null) {
          stdout.println("wrote " + out + " (" + (images ? "image grid of " + kept + " samples" : "scatter plot of " + kept + " samples") + ")");
        }
      }
      return Cli.OK;
    } catch (IOException e) {
      // what is left: reading --noise after its header was checked
      throw new FailureException("cannot read --noise " + noise + ": " + ioMessage(e), e);
    } finally {
      if (npy != null) {
        npy.close(); // deletes the partial file unless committed
      }
    }
  }

  private void writePng(
      OnnxVelocityField field,
      int[] sampleShape,
      boolean images,
      int kept,
      float[] plotted,
      ScatterPlot.Bounds fixedBounds,
      PrintWriter stderr)
      throws IOException {
    BufferedImage image;
    if (images) {
      ValueRange range = ValueRange.DEFAULT_IMAGE;
      String text = field.metadata().get(ModelMetadata.DATA_RANGE);
      if (text != null) {
        try {
          range = ValueRange.parse(text);
        } catch (IllegalArgumentException e) {
          stderr.println("warning: model metadata " + ModelMetadata.DATA_RANGE + ": " + e.getMessage() + "; using -1,1");
        }
      }
      int h = sampleShape[sampleShape.length - 2];
      int up = upscale != null ? upscale : ImageGrid.defaultUpscale(h);
      try {
        image = ImageGrid.render(plotted, kept, sampleShape, range, up);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--out: " + e.getMessage());
      }
    } else {
      String title = modelName() + " · " + describeSolver() + " · " + kept + " samples";
      image = ScatterPlot.render(plotted, kept, fixedBounds, title);
    }
    Png.write(image, out);
  }

  private NpyStreamWriter openNpy(int[] sampleShape) {
    try {
      return NpyStreamWriter.open(saveNpy, sampleShape);
    } catch (IOException e) {
      throw new FailureException("cannot write --save-npy " + saveNpy + ": " + ioMessage(e), e);
    }
  }

  String summary(SampleReport r, int[] sampleShape, String providerUsed) {
    return String.format(
        Locale.ROOT,
        "sampled %d × %s with %s on %s: NFE/sample %s, wall %s s, %s samples/s, %s ms per model call (%d calls, %s%% in the model)",
        r.samples(),
        Arrays.toString(sampleShape),
        describeSolver(),
        providerUsed,
        r.nfeText(),
        Numbers.fixed(r.wallSeconds(), 3),
        Numbers.fixed(r.samplesPerSecond(), 1),
        Numbers.fixed(r.msPerModelCall(), 3),
        r.modelCalls(),
        Numbers.fixed(100 * r.modelFraction(), 1));
  }

  private String describeSolver() {
    if (Solvers.isAdaptive(solver)) {
      return solver + " (rtol " + Numbers.compact(rtolOrDefault()) + ", atol " + Numbers.compact(atolOrDefault()) + ")";
    }
    String g = grid == null ? "" : ", " + grid + " grid";
    return solver + " (" + stepsOrDefault() + " steps" + g + ")";
  }

  private String modelName() {
    return model != null ? model.getFileName().toString() : resolveModel().getFileName().toString();
  }

  private OdeSolver createSolver() {
    if (!Solvers.names().contains(solver)) {
      throw new UsageException(
          "unknown solver '" + solver + "', expected one of " + String.join(", ", Solvers.names()));
    }
    boolean adaptive = Solvers.isAdaptive(solver);
    if (adaptive && (steps != null || grid != null)) {
      throw new UsageException(
          (steps != null ? "--steps" : "--grid") + " is for fixed-step solvers; " + solver
              + " is adaptive: give --rtol/--atol");
    }
    if (!adaptive && (rtol != null || atol != null || maxEvals != null)) {
      String opt = rtol != null ? "--rtol" : atol != null ? "--atol" : "--max-evals";
      throw new UsageException(opt + " is for adaptive solvers; " + solver + " takes --steps");
    }
    if (rtol != null && !(rtol > 0)) {
      throw new UsageException("--rtol must be a positive number, got " + Numbers.compact(rtol));
    }
    if (atol != null && !(atol > 0)) {
      throw new UsageException("--atol must be a positive number, got " + Numbers.compact(atol));
    }
    if (maxEvals != null && maxEvals < 1) {
      throw new UsageException("--max-evals must be a positive integer, got " + maxEvals);
    }
    SolverSettings settings =
        new SolverSettings(
            stepsOrDefault(),
            rtolOrDefault(),
            atolOrDefault(),
            maxEvals != null ? maxEvals : SolverSettings.DEFAULT_MAX_EVALUATIONS,
            grid);
    return Solvers.create(solver, settings);
  }

  private int stepsOrDefault() {
    return steps != null ? steps : DEFAULT_STEPS;
  }

  private double rtolOrDefault() {
    return rtol != null ? rtol : SolverSettings.DEFAULT_RTOL;
  }

  private double atolOrDefault() {
    return atol != null ? atol : SolverSettings.DEFAULT_ATOL;
  }

  /** The --model path, or the first default model that exists under the flowmatch folder. */
  Path resolveModel() {
    if (model != null) {
      if (!Files.exists(model)) {
        throw new UsageException("--model " + model + ": no such file");
      }
      if (Files.isDirectory(model)) {
        throw new UsageException("--model " + model + " is a folder, expected an .onnx file");
      }
      return model;
    }
    String home = System.getProperty(HOME_PROPERTY);
    Path root = Path.of(home != null && !home.isBlank() ? home : "").toAbsolutePath();
    for (String candidate : DEFAULT_MODELS) {
      Path p = root.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new UsageException(
        "no --model given and no default model in " + root + " (looked for " + String.join(", ", DEFAULT_MODELS) + ")");
  }

  private NpyFile openNoise() {
    if (noise == null) {
      return null;
    }
    try {
      return NpyFile.open(noise);
    } catch (NoSuchFileException e) {
      throw new UsageException("--noise " + noise + ": no such file");
    } catch (NpyFormatException e) {
      throw new UsageException("--noise " + e.getMessage());
    } catch (IOException e) {
      throw new FailureException("--noise " + noise + ": " + ioMessage(e), e);
    }
  }

  /** Number of samples: --n, else the rows of --noise, else a default by kind of model. */
  private int sampleCount(NpyFile noiseFile, int[] sampleShape, boolean images) {
    if (noiseFile == null) {
      return n != null ? n : images ? DEFAULT_N_IMAGES : DEFAULT_N;
    }
    long[] s = noiseFile.shape();
    boolean fits = s.length == sampleShape.length + 1;
    for (int i = 0; fits && i < sampleShape.length; i++) {
      fits = s[i + 1] == sampleShape[i];
    }
    if (!fits) {
      String expected = NpyHeader.shapeString(prepend(0, sampleShape)).replaceFirst("^\\(0", "(N");
      throw new UsageException(
          "--noise " + noise + " has shape " + NpyHeader.shapeString(s) + ", expected " + expected
              + " for this model's samples of shape " + Arrays.toString(sampleShape));
    }
    long rows = noiseFile.rows();
    if (rows == 0) {
      throw new UsageException("--noise " + noise + " holds no samples (shape " + NpyHeader.shapeString(s) + ")");
    }
    if (n != null && n > rows) {
      throw new UsageException("--n " + n + " is more than the " + rows + " samples in --noise " + noise);
    }
    if (rows > Integer.MAX_VALUE) {
      throw new UsageException("--noise " + noise + " holds " + rows + " samples; give --n");
    }
    return n != null ? n : (int) rows;
  }

  private static int[] prepend(int first, int[] shape) {
    int[] s = new int[shape.length + 1];
    s[0] = first;
    System.arraycopy(shape, 0, s, 1, shape.length);
    return s;
  }

  static int[] parseShape(String text) {
    String[] parts = text.split(",", -1);
    int[] s = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        s[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        s[i] = -1;
      }
      if (s[i] < 1) {
        throw new UsageException(
            "--shape must be positive integers separated by commas, e.g. 1,28,28, got '" + text + "'");
      }
    }
    return s;
  }

  private static void requirePositive(String option, Integer value) {
    if (value != null && value < 1) {
      throw new UsageException(option + " must be a positive integer, got " + value);
    }
  }

  private static String ioMessage(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder " + e.getMessage();
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
