package io.flowmatch.inference.cli;

import io.flowmatch.inference.api.Comparison;
import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.compare.CompareEngine;
import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.compare.SettingResult;
import io.flowmatch.inference.compare.SolverSetting;
import io.flowmatch.inference.compare.SolverSpec;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.NpyFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.plot.Chart;
import io.flowmatch.inference.plot.ScatterPlot;
import io.flowmatch.inference.plot.ValueRange;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.sampling.NpyNoise;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch compare}: runs many solver settings from one shared initial noise and reports,
 * per setting, NFE per sample, wall time, samples/s, the error against a reference solution and the
 * quality of the samples; as a table on stdout and, with {@code --out DIR}, CSV, JSON, plots,
 * pictures of the samples and one self-contained HTML report.
 */
@Command(
    name = "compare",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch compare --model models/gmm8.onnx --n 2000 --solvers \"euler:10,20 heun:5,10 dopri5:1e-3,1e-5\" --out cmp/",
      "  flowmatch compare --n 256 --solvers \"euler:20 heun:10\" --classifier models/fashion-mnist-classifier.onnx --out cmp/"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Compare ODE solvers on one model: NFE, time, error against a reference, sample quality.",
      "Every setting of --solvers integrates the same initial noise (seeded per sample, so it does"
          + " not depend on --batch) from t=0 to t=1 in batches of --batch samples.",
      "Errors are measured against a reference solution: by default one whose tolerance is chosen"
          + " so that its error bound is a tenth of the smallest error it judges (see"
          + " --reference-tol), dop853 at --reference-tol T with its state in double, or"
          + " --reference FILE.npy.",
      "Quality: energy distance and sliced Wasserstein-2 to data for low-dimensional samples,"
          + " Fréchet distance and class histogram with --classifier; the floor is the same metric"
          + " for as many independent data samples.",
      "--out DIR writes results.csv, results.json, table.txt, plots (*.png), samples/*.png and"
          + " report.html (self-contained)."
    })
public final class CompareCommand implements Callable<Integer>, DeclaresOutputs {
  static final int DEFAULT_N = 2000;
  static final int DEFAULT_N_IMAGES = 256;

  /** Image grids in the report show this many samples per setting. */
  static final int PICTURE_IMAGES = 64;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Mixin CompareOptions compare;

  @Option(
      names = "--n",
      paramLabel = "N",
      description =
          "Number of samples (default: "
              + DEFAULT_N
              + ", "
              + DEFAULT_N_IMAGES
              + " for image models, all rows of --noise).")
  Integer n;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the Gaussian noise and of drawn data (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Option(
      names = "--noise",
      paramLabel = "FILE",
      description = "Initial noise from a .npy file of shape [N, ...data shape] instead of --seed.")
  Path noise;

  @Option(
      names = "--reference",
      paramLabel = "FILE.npy",
      description =
          "The reference solution [N, ...data shape] for the same noise (default: computed with dop853).")
  Path reference;

  @Option(
      names = "--no-reference-cache",
      description =
          "Neither read nor write reference solves in the user cache folder"
              + " ($FLOWMATCH_CACHE, $XDG_CACHE_HOME/flowmatch or ~/.cache/flowmatch).")
  boolean noReferenceCache;

  @Option(
      names = "--reference-batch",
      paramLabel = "B",
      description =
          "Samples per reference solve (default: --batch). Commons Math controls one RMS error"
              + " per solve, so smaller batches control each sample's error more tightly.")
  Integer referenceBatch;

  @Option(
      names = "--reference-check",
      description =
          "Also solve at a 10× tighter tolerance and print how far the reference is from it.")
  boolean referenceCheck;

  @Mixin QualityOptions qualityOptions;

  @Mixin RunOutputOptions output;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.folder(compare.out());
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();

    // everything that needs no model first: bad options fail fast
    OptionChecks.positive("--n", n);
    compare.check();
    int repeats = compare.repeats();
    Path out = compare.out();
    OptionChecks.positive("--reference-batch", referenceBatch);
    if (compare.noReference() && reference != null) {
      throw new UsageException("--no-reference and --reference exclude each other");
    }
    OptionChecks.extension("--reference", reference, ".npy", "");
    modelOptions.check();
    qualityOptions.check();
    List<SolverSetting> parsed = SolverSpec.parse(compare.solvers());
    List<SolverSetting> settings = compare.tunedGrids(parsed, null, modelOptions::resolve);
    modelOptions.resolve();

    try (NpyFile noiseFile = NoiseFiles.open("--noise", noise);
        FlowModel model = modelOptions.openModel(stderr, output.verbose)) {
      settings = compare.tunedGrids(parsed, model.metadata(), modelOptions::resolve);
      int[] shape = model.sampleShape();
      int size = model.sampleSize();
      int count =
          noiseFile != null
              ? NoiseFiles.count("--noise", noise, noiseFile, shape, n)
              : OptionChecks.sampleCount(n, shape, DEFAULT_N, DEFAULT_N_IMAGES);
      Comparison comparison =
          Comparison.on(model)
              .solvers(settings)
              .batch(modelOptions.batch)
              .maxEvaluations(compare.maxEvaluations())
              .repeats(repeats)
              .referenceMaxEvaluations(compare.referenceMaxEvaluations())
              .referenceProgress(referenceProgress(stderr), line -> progress(stderr, line));
      if (noiseFile != null) {
        float[] initial = new float[Math.multiplyExact(count, size)];
        try {
          new NpyNoise(noiseFile).fill(0, count, size, initial);
        } catch (IOException e) {
          throw new FailureException("cannot read --noise " + noise + ": " + IoMessages.of(e), e);
        }
        comparison.noise(initial, "file " + noise);
      } else {
        comparison.samples(count).seed(seed);
      }
      if (referenceBatch != null) {
        comparison.referenceBatch(referenceBatch);
      }
      if (reference != null) {
        comparison.reference(readReference(shape, size, count), "file " + reference);
      } else if (compare.noReference()) {
        comparison.noReference();
      } else if (compare.referenceTolerance() == null) {
        comparison.autoReference(!noReferenceCache);
      } else {
        comparison.referenceTolerance(compare.referenceTolerance()).referenceCheck(referenceCheck);
      }

      try (QualityOptions.Setup quality =
          qualityOptions.build(
              model.metadata(),
              shape,
              count,
              seed,
              modelOptions.threads,
              output,
              stderr,
              "compare")) {
        if (quality.metric() == null && !output.quiet) {
          stderr.println("note: " + quality.missing());
        }
        comparison.quality(quality.metric(), quality.floor());
        Pictureset pictures = new Pictureset(model.metadata(), shape, count, quality, out != null);
        Comparison.Report report;
        // every timed solve counts: with --repeats R the bar runs over R rounds of the settings
        int solves = settings.size() * repeats;
        try (Progress bar =
            output.progress(stderr, "compare", solves, repeats == 1 ? "settings" : "solves")) {
          report =
              comparison
                  .listener(
                      new CompareEngine.Listener() {
                        @Override
                        public void started(SolverSetting setting, int index, int total) {
                          bar.update(index, setting.label());
                        }

                        @Override
                        public void timing(SolverSetting setting, int round, int index, int total) {
                          bar.update(
                              (long) (round - 1) * total + index,
                              setting.label() + ", timing round " + round + " of " + repeats);
                        }

                        @Override
                        public void finished(SettingResult result, float[] samples) {
                          if (result.failed()) {
                            stderr.println(
                                "warning: "
                                    + result.setting().label()
                                    + " failed: "
                                    + result.failure());
                          } else {
                            pictures.add(result, samples);
                          }
                        }
                      })
                  .run();
          bar.update(solves, "");
        }
        stdout.print(report.table());
        stdout.flush();
        if (out != null) {
          List<String> written;
          try {
            written = report.writeTo(out, pictures.all(), commandLine());
          } catch (FlowmatchException e) {
            throw e.getCause() instanceof IOException io
                ? new FailureException("cannot write --out " + out + ": " + IoMessages.of(io), e)
                : e;
          }
          List<String> files =
              written.stream()
                  .filter(f -> !f.startsWith("samples/") && !f.equals("report.html"))
                  .toList();
          if (!output.quiet) {
            stdout.println(
                "wrote "
                    + out
                    + "/: "
                    + String.join(", ", files)
                    + ", samples/ ("
                    + pictures.all().size()
                    + " pictures), report.html");
          }
        }
        boolean allFailed = report.results().stream().allMatch(SettingResult::failed);
        return allFailed ? Cli.FAILURE : Cli.OK;
      }
    }
  }

  /** Reference progress: samples done, the current batch's time, NFE per sample so far. */
  private ReferenceSolver.Progress referenceProgress(PrintWriter stderr) {
    return ReferenceSolver.Progress.lines(line -> progress(stderr, "reference: " + line));
  }

  private double[] readReference(int[] shape, int size, int count) {
    try (NpyFile file = NoiseFiles.open("--reference", reference)) {
      int rows = NoiseFiles.count("--reference", reference, file, shape, null);
      if (rows < count) {
        throw new UsageException(
            "--reference "
                + reference
                + " holds "
                + rows
                + " samples, fewer than the "
                + count
                + " being compared");
      }
      float[] data = new float[Math.multiplyExact(count, size)];
      file.readRows(0, count, data, 0);
      double[] out = new double[data.length];
      for (int i = 0; i < data.length; i++) {
        if (!Float.isFinite(data[i])) {
          throw new UsageException(
              "--reference " + reference + ": sample " + (i / size) + " is not finite");
        }
        out[i] = data[i];
      }
      return out;
    } catch (IOException e) {
      throw new FailureException(
          "cannot read --reference " + reference + ": " + IoMessages.of(e), e);
    }
  }

  private String commandLine() {
    // originalArgs() holds the whole command line, the subcommand's name included when it was run
    // through the root command: start from what follows the name
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int first = spec.commandLine().getParent() != null ? args.indexOf(spec.name()) : -1;
    StringBuilder sb = new StringBuilder("flowmatch compare");
    for (String a : args.subList(first >= 0 ? first + 1 : 0, args.size())) {
      sb.append(' ')
          .append(a.matches("[A-Za-z0-9_./=:,@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  private void progress(PrintWriter stderr, String line) {
    if (!output.quiet) {
      stderr.println("compare: " + line);
      stderr.flush();
    }
  }

  /**
   * The pictures of the samples of each setting (and of the data). The class histograms need no
   * samples: the comparison keeps each setting's class counts.
   */
  private static final class Pictureset {
    private final Map<String, Chart> pictures = new LinkedHashMap<>();
    private final boolean wanted;
    private final int[] shape;
    private final boolean images;
    private final int keep;
    private final ValueRange range;
    private final ScatterPlot.Bounds bounds;

    Pictureset(
        Map<String, String> metadata,
        int[] shape,
        int count,
        QualityOptions.Setup quality,
        boolean wanted) {
      this.wanted = wanted && (Pictures.isImage(shape) || Pictures.isPoint2d(shape));
      this.shape = shape;
      this.images = Pictures.isImage(shape);
      this.keep = Math.min(count, images ? PICTURE_IMAGES : Pictures.MAX_SCATTER_POINTS);
      this.range = Pictures.dataRange(metadata, new PrintWriter(java.io.Writer.nullWriter()));
      ScatterPlot.Bounds b = null;
      if (!images && metadata.containsKey(io.flowmatch.inference.field.ModelMetadata.DATA_RANGE)) {
        b = ScatterPlot.square(range);
      } else if (!images && quality.data() != null) {
        b =
            ScatterPlot.autoBounds(
                quality.data().reference(), Math.min(count, quality.data().referenceCount()));
      }
      this.bounds = b;
      if (this.wanted && quality.data() != null) {
        int m = Math.min(keep, quality.data().floorCount());
        add("data", quality.data().floor(), m, "data: " + quality.data().floorDescription());
      }
    }

    void add(SettingResult r, float[] samples) {
      add(r.setting().label(), samples, keep, r.setting().label() + " · NFE " + nfeText(r));
    }

    private void add(String key, float[] samples, int m, String title) {
      if (!wanted) {
        return;
      }
      pictures.put(key, Pictures.chart(samples, m, shape, range, null, bounds, title));
    }

    private static String nfeText(SettingResult r) {
      return r.minNfe() == r.maxNfe()
          ? Integer.toString(r.minNfe())
          : Numbers.fixed(r.meanNfe(), 1);
    }

    Map<String, Chart> all() {
      return pictures;
    }
  }
}
