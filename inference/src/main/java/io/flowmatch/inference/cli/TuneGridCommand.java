package io.flowmatch.inference.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.flowmatch.inference.api.FlowModel;
import io.flowmatch.inference.compare.AutoReference;
import io.flowmatch.inference.compare.ReferenceCache;
import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.field.VelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.path.AffineSchedule;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.inference.sampling.GaussianNoise;
import io.flowmatch.inference.solver.Solvers;
import io.flowmatch.inference.tune.GridTuner;
import io.flowmatch.inference.tune.TunedGrids;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch tune-grid}: optimises the time grid of a fixed-step or multistep solver for one
 * model at given NFEs, on calibration noise against a reference solve, reports the error on
 * held-out noise next to every hand-made grid, and writes {@code grids.json} for {@code sample
 * --grid} and {@code compare --grid}.
 */
@Command(
    name = "tune-grid",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch tune-grid --model models/gmm8.onnx --solver dpm2m,ab2 --nfe 4,6,8 --calibration 256 --out grids.json"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Optimise a solver's time grid for a model: fewer model calls for the same error.",
      "For each --solver and --nfe, the grid's times (monotone: a softmax of step lengths) are chosen"
          + " to minimise the RMS error against a reference solve (dop853, or dopri5-batch for"
          + " large samples; tolerance chosen"
          + " automatically, cached) on --calibration samples of noise, with a derivative-free"
          + " optimiser (Commons Math BOBYQA or CMA-ES), starting from the best hand-made grid.",
      "Then the tuned and hand-made grids are scored on held-out noise (--holdout-seed) and"
          + " everything is written to --out (grids.json); use it with sample/compare --grid."
    })
public final class TuneGridCommand implements Callable<Integer>, DeclaresOutputs {

  @Spec CommandSpec spec;

  @Mixin ModelOptions modelOptions;

  @Option(
      names = "--solver",
      paramLabel = "S",
      completionCandidates = GridSolverNames.class,
      description =
          "Solvers to tune, comma-separated: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
      defaultValue = "heun")
  String solverList;

  @Option(
      names = "--nfe",
      paramLabel = "N",
      description =
          "Model evaluations per sample to tune for, comma-separated (default: ${DEFAULT-VALUE}).",
      defaultValue = "4,6,8,10")
  String nfeList;

  @Option(
      names = "--calibration",
      paramLabel = "N",
      description = "Calibration samples (default: ${DEFAULT-VALUE}).",
      defaultValue = "256")
  int calibration;

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seed of the calibration noise (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  long seed;

  @Option(
      names = "--holdout",
      paramLabel = "N",
      description = "Held-out samples (default: as --calibration).")
  Integer holdout;

  @Option(
      names = "--holdout-seed",
      paramLabel = "S",
      description = "Seed of the held-out noise (default: --seed + 1).")
  Long holdoutSeed;

  @Option(
      names = "--optimizer",
      paramLabel = "O",
      description = "bobyqa (default) or cmaes.",
      defaultValue = "bobyqa")
  String optimizer;

  @Option(
      names = "--max-evals",
      paramLabel = "E",
      description =
          "Solves of the calibration set the optimiser may ask for, per solver and NFE"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "150")
  int maxEvals;

  @Option(
      names = "--restarts",
      paramLabel = "R",
      description =
          "After the optimisation from the best hand-made grid, R more from the next-best ones"
              + " (by calibration error), each with its own --max-evals; the best grid of all is"
              + " kept (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int restarts;

  @Option(
      names = "--reference-max-evals",
      paramLabel = "E",
      description = "Evaluation bound of each reference solve (default: ${DEFAULT-VALUE}).",
      defaultValue = "100000")
  long referenceMaxEvals;

  @Option(
      names = "--reference-budget",
      paramLabel = "E",
      description =
          "Model evaluations per sample the automatic reference may spend on each set (calibration,"
              + " held-out), all its solves together: its first pair always runs, a tighter solve"
              + " only within what is left (default: "
              + AutoReference.BUDGET_FACTOR
              + "x the hand-made grids it judges at the largest --nfe, at least "
              + AutoReference.BUDGET_FLOOR
              + ").")
  Long referenceBudget;

  @Option(
      names = "--no-reference-cache",
      description = "Neither read nor write cached reference solves.")
  boolean noReferenceCache;

  @Option(
      names = "--reference-tol",
      paramLabel = "T",
      description =
          "rtol = atol of the reference (dop853 in double, or dopri5-batch for samples of more"
              + " than 64 values), or auto (default): start at 1e-6 (1e-4 for dopri5-batch) and"
              + " tighten 10x until the reference's error bound is a tenth of a third of the"
              + " best hand-made grid's error at the largest --nfe, two solves agree to the"
              + " model's float32 noise, or a tighter solve would not fit --reference-budget."
              + " A number T"
              + " solves at T and"
              + " T/10 and takes the T/10 solve; their RMS difference is printed as a bound on"
              + " the reference's error.",
      defaultValue = "auto")
  String referenceTol;

  @Option(names = "--out", paramLabel = "FILE.json", description = "The grids file to write.")
  Path out;

  @Option(
      names = "--save-model",
      paramLabel = "FILE.onnx",
      description =
          "Also write a copy of the model whose metadata holds the tuned grids (key "
              + TunedGrids.METADATA_KEY
              + "), merged with those it already holds; sample/compare --grid tuned read them.")
  Path saveModel;

  @Option(
      names = "--in-place",
      description = "Store the tuned grids in the model file itself (atomically), as --save-model.")
  boolean inPlace;

  @Option(names = "--quiet", description = RunOutputOptions.QUIET_HELP)
  boolean quiet;

  @Option(
      names = "--verbose",
      description = "Every objective evaluation on stderr; stack traces on errors.")
  boolean verbose;

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(out).file(saveModel);
    if (inPlace) {
      try {
        outputs.file(modelOptions.resolve());
      } catch (RuntimeException e) {
        // no model to name: call() reports the problem with the others
      }
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    OptionChecks.positive("--calibration", calibration);
    OptionChecks.positive("--holdout", holdout);
    OptionChecks.positive("--max-evals", maxEvals);
    if (restarts < 0) {
      throw new UsageException("--restarts must be 0 or more, got " + restarts);
    }
    OptionChecks.positive("--reference-max-evals", referenceMaxEvals);
    if (referenceBudget != null) {
      OptionChecks.positive("--reference-budget", referenceBudget.longValue());
    }
    if (out == null && saveModel == null && !inPlace) {
      throw new UsageException(
          "give --out FILE.json, --save-model FILE.onnx or --in-place: where the grids go");
    }
    if (saveModel != null && inPlace) {
      throw new UsageException(
          "--save-model and --in-place both name the model to write; give one");
    }
    if (out != null) {
      OptionChecks.extension("--out", out, ".json", "");
      if (Files.isDirectory(out)) {
        throw new UsageException("--out " + out + " is a folder, expected a .json file");
      }
    }
    OptionChecks.extension("--save-model", saveModel, ".onnx", "");
    Double fixedTol = null;
    if (!referenceTol.equals("auto")) {
      try {
        fixedTol = Double.parseDouble(referenceTol);
      } catch (NumberFormatException e) {
        fixedTol = Double.NaN;
      }
      if (!(fixedTol > 0 && fixedTol < 1)) {
        throw new UsageException(
            "--reference-tol must be auto or a number in (0, 1), got '" + referenceTol + "'");
      }
    }
    GridTuner.Optimizer opt = GridTuner.Optimizer.parse(optimizer);
    List<String> solvers = new ArrayList<>();
    for (String s : solverList.split(",")) {
      String name = s.trim();
      if (!Solvers.gridSolvers().contains(name)) {
        throw new UsageException(
            "--solver: '"
                + name
                + "' has no grid to tune, expected one of: "
                + String.join(", ", Solvers.gridSolvers()));
      }
      solvers.add(name);
    }
    List<Integer> nfes = new ArrayList<>();
    for (String s : nfeList.split(",")) {
      int v;
      try {
        v = Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        v = -1;
      }
      if (v < 1) {
        throw new UsageException("--nfe: '" + s.trim() + "' must be a positive integer");
      }
      nfes.add(v);
    }
    for (String solver : solvers) {
      for (int nfe : nfes) {
        if (Solvers.stepsForEvaluations(solver, nfe) < 1) {
          throw new UsageException(
              "--nfe "
                  + nfe
                  + ": no step count of "
                  + solver
                  + " costs exactly "
                  + nfe
                  + " model evaluations per sample (heun, midpoint: even NFE; rk4: multiples of 4;"
                  + " ab3: steps + 1)");
        }
      }
    }
    modelOptions.check();
    Path model = modelOptions.resolve();
    long hold = holdoutSeed != null ? holdoutSeed : seed + 1;
    int holdN = holdout != null ? holdout : calibration;
    if (hold == seed) {
      throw new UsageException(
          "--holdout-seed must differ from --seed (" + seed + "): held-out noise must be unseen");
    }

    try (FlowModel opened = modelOptions.openModel(stderr, verbose)) {
      VelocityField field = opened.field();
      int size = opened.sampleSize();
      AffineSchedule path = opened.path();
      float[] calNoise = noise(seed, calibration, size);
      float[] holdNoise = noise(hold, holdN, size);
      ReferenceCache cache = noReferenceCache ? null : ReferenceCache.userDefault();
      String hash = ReferenceCache.sha256(model);
      AutoReference reference =
          new AutoReference(
              cache,
              hash,
              referenceMaxEvals,
              ReferenceSolver.Progress.lines(line -> progress(stderr, "reference: " + line)),
              line -> progress(stderr, "reference: " + line));
      AutoReference.Outcome calRef;
      AutoReference.Outcome holdRef;
      progress(stderr, "calibration set: " + calibration + " samples, seed " + seed);
      double start = fixedTol != null ? fixedTol : reference.defaultStart(field);
      double lowest = fixedTol != null ? fixedTol / 10 : AutoReference.LOWEST;
      // a fixed tolerance is one pair of solves, which always runs
      long budget =
          fixedTol != null
              ? AutoReference.NO_BUDGET
              : referenceBudget != null ? referenceBudget : defaultBudget(solvers, nfes);
      if (budget != AutoReference.NO_BUDGET) {
        progress(
            stderr,
            "reference budget: "
                + budget
                + " NFE/sample per set for tightening (the first two solves, which give the"
                + " bound, always run)");
      }
      int batch = modelOptions.batch;
      calRef =
          reference.solve(
              field,
              calNoise,
              calibration,
              batch,
              start,
              lowest,
              fixedTol != null ? null : judged(field, path, calNoise, calibration, solvers, nfes),
              budget);
      progress(stderr, "held-out set: " + holdN + " samples, seed " + hold);
      holdRef =
          reference.solve(
              field,
              holdNoise,
              holdN,
              batch,
              start,
              lowest,
              fixedTol != null ? null : judged(field, path, holdNoise, holdN, solvers, nfes),
              budget);
      GridTuner tuner =
          new GridTuner(field, path, calNoise, calRef.x(), calibration, modelOptions.batch);
      GridTuner held =
          new GridTuner(field, path, holdNoise, holdRef.x(), holdN, modelOptions.batch);

      JsonObject root = new JsonObject();
      root.addProperty("format", TunedGrids.FORMAT);
      root.addProperty("model", model.toString());
      root.addProperty("model_sha256", hash);
      root.addProperty("path", path.name());
      root.addProperty("optimizer", opt.name().toLowerCase(Locale.ROOT));
      root.addProperty("max_objective_evaluations", maxEvals);
      root.addProperty("restarts", restarts);
      root.add("calibration", set(calibration, seed, calRef, budget));
      root.add("holdout", set(holdN, hold, holdRef, budget));
      JsonArray grids = new JsonArray();
      StringBuilder table = new StringBuilder();
      table.append(
          String.format(
              Locale.ROOT,
              "%-7s %4s %5s  %-10s %10s  %10s %10s %7s  %5s %8s %7s%n",
              "solver",
              "NFE",
              "steps",
              "best hand",
              "held-out",
              "tuned",
              "tuned",
              "ratio",
              "evals",
              "NFE",
              "time"));
      table.append(
          String.format(
              Locale.ROOT,
              "%-7s %4s %5s  %-10s %10s  %10s %10s %7s  %5s %8s %7s%n",
              "",
              "",
              "",
              "(held-out)",
              "RMS",
              "calib RMS",
              "held RMS",
              "",
              "",
              "spent",
              "s"));
      for (String solver : solvers) {
        for (int nfe : nfes) {
          progress(
              stderr,
              "tuning "
                  + solver
                  + " at NFE "
                  + nfe
                  + " with "
                  + opt.name().toLowerCase(Locale.ROOT));
          // the shared progress over the optimiser's solves of the calibration set: a bar on a
          // terminal, plain lines on a pipe, nothing with --quiet
          long planned = (long) maxEvals * (1 + Math.min(restarts, GridTuner.HAND_MADE.size() - 1));
          GridTuner.Result r;
          try (Progress bar =
              Progress.open(
                  stderr, "tune-grid " + solver + " NFE " + nfe, planned, "solves", quiet, false)) {
            r =
                tuner.tune(
                    solver,
                    nfe,
                    opt,
                    maxEvals,
                    restarts,
                    seed,
                    (k, rms, best) -> {
                      bar.update(k, "best RMS " + Numbers.sci(best, 4));
                      if (verbose) {
                        progress(
                            stderr,
                            "  "
                                + solver
                                + " NFE "
                                + nfe
                                + ": evaluation "
                                + k
                                + " RMS "
                                + Numbers.sci(rms, 4)
                                + ", best "
                                + Numbers.sci(best, 4));
                      }
                    });
            if (r.objectiveEvaluations() < planned) {
              // the optimiser stopped before its budget: the report ends at what it spent
              bar.total(r.objectiveEvaluations());
              bar.update(
                  r.objectiveEvaluations(), "best RMS " + Numbers.sci(r.calibrationRms(), 4));
            }
          }
          String tunedGrid =
              io.flowmatch.inference.solver.TimeGrid.explicitGrid(
                  io.flowmatch.inference.solver.TimeGrid.TUNED, r.times());
          double tunedHeld = held.rms(solver, r.steps(), tunedGrid);
          double[] handHeld = new double[GridTuner.HAND_MADE.size()];
          for (int g = 0; g < handHeld.length; g++) {
            handHeld[g] = held.rms(solver, r.steps(), GridTuner.HAND_MADE.get(g));
          }
          int best = GridTuner.best(handHeld);
          JsonObject e = entry(r, tunedHeld, handHeld, best);
          String warning =
              transferWarning(
                  solver,
                  nfe,
                  tunedHeld,
                  GridTuner.HAND_MADE.get(best),
                  handHeld[best],
                  calibration,
                  maxEvals);
          e.addProperty("worse_than_hand_made_on_holdout", warning != null);
          grids.add(e);
          if (warning != null) {
            stderr.println("warning: " + warning);
            stderr.flush();
          }
          String line =
              String.format(
                  Locale.ROOT,
                  "%-7s %4d %5d  %-10s %10.3e  %10.3e %10.3e %7.3f  %5d %8d %7.1f",
                  solver,
                  nfe,
                  r.steps(),
                  GridTuner.HAND_MADE.get(best),
                  handHeld[best],
                  r.calibrationRms(),
                  tunedHeld,
                  tunedHeld / handHeld[best],
                  r.objectiveEvaluations(),
                  r.modelEvaluations(),
                  r.seconds());
          table.append(line).append('\n');
          progress(stderr, line.trim());
        }
      }
      root.add("grids", grids);
      if (out != null) {
        TunedGrids.write(out, root);
      }
      Path modelOut = inPlace ? model : saveModel;
      int stored = modelOut == null ? 0 : TunedGrids.storeInModel(model, modelOut, root);
      stdout.print(
          "model "
              + model
              + ", calibration "
              + calibration
              + " samples (seed "
              + seed
              + "), held-out "
              + holdN
              + " (seed "
              + hold
              + "), optimiser "
              + opt.name().toLowerCase(Locale.ROOT)
              + "; ratio = tuned / best hand-made, held-out"
              + System.lineSeparator()
              + "reference: "
              + calRef.description()
              + System.lineSeparator()
              + budgetLine(budget, calRef, holdRef)
              + System.lineSeparator());
      stdout.print(table);
      if (out != null && !quiet) {
        stdout.println("wrote " + out);
      }
      if (modelOut != null && !quiet) {
        stdout.println(
            "wrote "
                + modelOut
                + ": "
                + stored
                + " tuned grids in its metadata ("
                + TunedGrids.METADATA_KEY
                + "); use them with --grid tuned");
      }
      stdout.flush();
      return Cli.OK;
    }
  }

  /**
   * The warning for a tuned grid that is worse on held-out noise than the best hand-made grid (it
   * fitted the calibration noise, not the model), or null when it is not worse.
   */
  static String transferWarning(
      String solver,
      int nfe,
      double tunedHeld,
      String bestHand,
      double bestHandHeld,
      int calibration,
      int maxEvals) {
    if (!(tunedHeld > bestHandHeld)) {
      return null;
    }
    return "tune-grid: the tuned "
        + solver
        + " grid at NFE "
        + nfe
        + " is worse on held-out noise than the best hand-made grid ("
        + bestHand
        + "): RMS "
        + Numbers.sci(tunedHeld, 4)
        + " vs "
        + Numbers.sci(bestHandHeld, 4)
        + ", ratio "
        + Numbers.fixed(tunedHeld / bestHandHeld, 3)
        + "; it fitted the "
        + calibration
        + " calibration samples, not the model. Try more --calibration (now "
        + calibration
        + ") or --max-evals (now "
        + maxEvals
        + "), or use --grid "
        + bestHand;
  }

  /**
   * What the automatic reference must resolve: a third of the smallest hand-made grid error at the
   * largest NFE (the tuned grids aim at a third of the best hand-made grid's error), measured
   * against a candidate reference.
   */
  private ToDoubleFunction<double[]> judged(
      VelocityField field,
      AffineSchedule path,
      float[] noise,
      int n,
      List<String> solvers,
      List<Integer> nfes) {
    int nfe = java.util.Collections.max(nfes);
    return x -> {
      GridTuner grids = new GridTuner(field, path, noise, x, n, modelOptions.batch);
      double smallest = Double.POSITIVE_INFINITY;
      for (String solver : solvers) {
        int steps = Solvers.stepsForEvaluations(solver, nfe);
        for (String grid : GridTuner.HAND_MADE) {
          smallest = Math.min(smallest, grids.rms(solver, steps, grid));
        }
      }
      return smallest / 3;
    };
  }

  /**
   * The automatic reference's budget ({@link AutoReference#budget}): what it judges is every
   * hand-made grid of every solver at the largest NFE, each solve costing that NFE per sample.
   */
  static long defaultBudget(List<String> solvers, List<Integer> nfes) {
    double judged =
        (double) solvers.size() * GridTuner.HAND_MADE.size() * java.util.Collections.max(nfes);
    return AutoReference.budget(judged);
  }

  /** The header line on the budget, or nothing for a fixed tolerance. */
  private static String budgetLine(
      long budget, AutoReference.Outcome cal, AutoReference.Outcome held) {
    if (budget == AutoReference.NO_BUDGET) {
      return "";
    }
    boolean cut =
        cal.stop() == AutoReference.Stop.BUDGET || held.stop() == AutoReference.Stop.BUDGET;
    return "reference budget: "
        + budget
        + " NFE/sample per set for tightening beyond the first two solves; spent "
        + Numbers.fixed(cal.nfeSpent(), 0)
        + " (calibration), "
        + Numbers.fixed(held.nfeSpent(), 0)
        + " (held-out) in all"
        + (cut
            ? "; tightening stopped at the budget (--reference-budget E allows more,"
                + " --reference-tol T fixes the tolerance)"
            : "")
        + System.lineSeparator();
  }

  private static JsonObject set(int n, long seed, AutoReference.Outcome ref, long budget) {
    JsonObject o = new JsonObject();
    o.addProperty("n", n);
    o.addProperty("seed", seed);
    o.addProperty("reference", ref.description());
    o.addProperty("reference_tolerance", ref.tolerance());
    o.addProperty("reference_nfe", ref.meanNfe());
    o.addProperty("reference_stop", ref.stop().name().toLowerCase(Locale.ROOT));
    o.addProperty("reference_nfe_spent", ref.nfeSpent());
    if (budget != AutoReference.NO_BUDGET) {
      o.addProperty("reference_budget", budget);
    }
    return o;
  }

  private static JsonObject entry(
      GridTuner.Result r, double tunedHeld, double[] handHeld, int best) {
    JsonObject g = new JsonObject();
    g.addProperty("solver", r.solver());
    g.addProperty("nfe", r.nfe());
    g.addProperty("steps", r.steps());
    JsonArray times = new JsonArray();
    for (double t : r.times()) {
      times.add(t);
    }
    g.add("times", times);
    g.addProperty("calibration_rms", r.calibrationRms());
    g.addProperty("holdout_rms", tunedHeld);
    g.addProperty("start_grid", r.startGrid());
    g.addProperty("best_hand_made", GridTuner.HAND_MADE.get(best));
    g.addProperty("best_hand_made_holdout_rms", handHeld[best]);
    JsonArray hand = new JsonArray();
    for (int i = 0; i < handHeld.length; i++) {
      JsonObject h = new JsonObject();
      h.addProperty("grid", GridTuner.HAND_MADE.get(i));
      h.addProperty("calibration_rms", r.handMadeRms()[i]);
      h.addProperty("holdout_rms", handHeld[i]);
      hand.add(h);
    }
    g.add("hand_made", hand);
    g.addProperty("objective_evaluations", r.objectiveEvaluations());
    g.addProperty("nfe_spent_per_calibration_sample", r.modelEvaluations());
    g.addProperty("seconds", r.seconds());
    return g;
  }

  private static float[] noise(long seed, int n, int size) {
    float[] x = new float[Math.multiplyExact(n, size)];
    new GaussianNoise(seed).fill(0, n, size, x);
    return x;
  }

  private void progress(PrintWriter stderr, String line) {
    if (!quiet) {
      stderr.println("tune-grid: " + line);
      stderr.flush();
    }
  }

  /** The registered grid solvers, for the help text of {@code --solver}. */
  static final class GridSolverNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Solvers.gridSolvers().iterator();
    }
  }
}
