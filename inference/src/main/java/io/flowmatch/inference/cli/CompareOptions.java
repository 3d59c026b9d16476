package io.flowmatch.inference.cli;

import io.flowmatch.inference.compare.ReferenceSolver;
import io.flowmatch.inference.compare.SolverSetting;
import io.flowmatch.inference.compare.SolverSpec;
import io.flowmatch.inference.solver.SolverSettings;
import io.flowmatch.inference.tune.TunedGrids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * The options of a solver sweep (a picocli mixin of {@code compare} and {@code spark compare}, so
 * both take the same names, defaults and help): the settings, their evaluation bound and timing
 * repeats, the reference, tuned grids and the report folder. Options only one of them has (e.g.
 * compare's {@code --reference FILE.npy}) stay in that command.
 */
public final class CompareOptions {
  /** The value of {@code --reference-tol} that lets the comparison choose the tolerance. */
  public static final String AUTO = "auto";

  @Option(
      names = "--solvers",
      paramLabel = "SPEC",
      description = {
        "Settings to compare: name[@grid]:values separated by spaces. Fixed-step solvers take step"
            + " counts, adaptive ones tolerances (rtol = atol = value, or rtol=R/atol=A). Default:",
        "  \"" + SolverSpec.DEFAULT + "\""
      },
      defaultValue = SolverSpec.DEFAULT)
  String solvers;

  @Option(
      names = "--max-evals",
      paramLabel = "E",
      description =
          "Evaluation bound of the adaptive solvers (default: ${DEFAULT-VALUE}); a setting that"
              + " exceeds it is reported as failed.",
      defaultValue = "" + SolverSettings.DEFAULT_MAX_EVALUATIONS)
  long maxEvals;

  @Option(names = "--no-reference", description = "Measure no errors (no reference solve).")
  boolean noReference;

  @Option(
      names = "--reference-tol",
      paramLabel = "T",
      description =
          "rtol = atol of the reference dop853, or auto (default): the settings run first; the"
              + " reference (dop853 in double, or dopri5-batch for samples of more than 64 values)"
              + " starts a decade below the tightest adaptive setting's tolerance (1e-4 without"
              + " one) and tightens 10x until its error bound is a tenth of the smallest"
              + " setting's error, the model's float32 noise is reached or its evaluation budget"
              + " is spent (spark compare: each solve a stage over the shards).",
      defaultValue = AUTO)
  String referenceTolText;

  @Option(
      names = "--reference-max-evals",
      paramLabel = "E",
      description = "Evaluation bound of each reference solve (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + ReferenceSolver.DEFAULT_MAX_EVALUATIONS)
  long referenceMaxEvals;

  @Option(
      names = "--grid",
      paramLabel = "FILE.json",
      description =
          "Tuned grids from flowmatch tune-grid, for entries written SOLVER@tuned:STEPS in"
              + " --solvers; without it (or with --grid tuned) they come from the model's metadata"
              + " (tune-grid --save-model/--in-place; spark compare needs the file).")
  Path gridFile;

  @Option(
      names = "--repeats",
      paramLabel = "R",
      description =
          "Timed solves per setting, round-robin over the settings; the wall time is the median"
              + " round's (default: ${DEFAULT-VALUE}). On Spark each task times R solves and a"
              + " setting's time is the sum of its tasks' medians.",
      defaultValue = "1")
  int repeats;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Folder for the CSV, JSON, table, plots, pictures and report.html.")
  Path out;

  /** Parsed {@code --reference-tol}: null for auto. */
  private Double referenceTol;

  /**
   * Checks the numbers and the output folder; call before any work, so that bad options fail before
   * a model is opened or a cluster started.
   */
  public void check() {
    OptionChecks.positive("--repeats", repeats);
    OptionChecks.positive("--max-evals", maxEvals);
    OptionChecks.positive("--reference-max-evals", referenceMaxEvals);
    referenceTol = null;
    if (!referenceTolText.equals(AUTO)) {
      double t;
      try {
        t = Double.parseDouble(referenceTolText);
      } catch (NumberFormatException e) {
        t = Double.NaN;
      }
      if (!(t > 0) || Double.isInfinite(t)) {
        throw new UsageException(
            "--reference-tol must be a positive number or " + AUTO + ", got " + referenceTolText);
      }
      referenceTol = t;
    }
    if (out != null && Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " is a file, expected a folder");
    }
  }

  /** {@code --solvers}. */
  public String solvers() {
    return solvers;
  }

  /** {@code --max-evals}. */
  public long maxEvaluations() {
    return maxEvals;
  }

  /** {@code --no-reference}. */
  public boolean noReference() {
    return noReference;
  }

  /** {@code --reference-tol} as a number, or null for auto (valid after {@link #check}). */
  public Double referenceTolerance() {
    return referenceTol;
  }

  /** {@code --reference-max-evals}. */
  public long referenceMaxEvaluations() {
    return referenceMaxEvals;
  }

  /** {@code --repeats}. */
  public int repeats() {
    return repeats;
  }

  /** {@code --out}, or null. */
  public Path out() {
    return out;
  }

  /**
   * {@code --solvers} parsed, with the grids of entries written SOLVER@tuned:STEPS taken from
   * {@code --grid FILE.json}, or from the model's metadata without it (or with {@code --grid
   * tuned}).
   *
   * @param metadata the model's metadata, or null where it is not read (yet): then only the file is
   *     read, and tuned entries that need the model's grids are returned unresolved
   * @param model names the model in messages (called only when its grids are read)
   */
  public List<SolverSetting> settings(Map<String, String> metadata, Supplier<Object> model) {
    return tunedGrids(SolverSpec.parse(solvers), metadata, model);
  }

  /** {@link #settings} for settings already parsed. */
  public List<SolverSetting> tunedGrids(
      List<SolverSetting> settings, Map<String, String> metadata, Supplier<Object> model) {
    boolean any = settings.stream().anyMatch(s -> s.grid().equals(SolverSpec.TUNED));
    if (!any) {
      if (gridFile != null) {
        throw new UsageException(
            "--grid "
                + gridFile
                + " is used only by entries such as heun@tuned:4 in --solvers; there are none");
      }
      return settings;
    }
    if (fromModel() && metadata == null) {
      return settings;
    }
    TunedGrids grids =
        fromModel()
            ? TunedGrids.fromMetadata("--grid tuned: model " + model.get(), metadata)
            : TunedGrids.read("--grid", gridFile);
    List<SolverSetting> resolved = new ArrayList<>();
    for (SolverSetting s : settings) {
      resolved.add(
          s.grid().equals(SolverSpec.TUNED) ? s.withGrid(grids.grid(s.solver(), s.steps())) : s);
    }
    return resolved;
  }

  /** Whether tuned grids come from the model's metadata (no {@code --grid}, or --grid tuned). */
  public boolean fromModel() {
    return gridFile == null || gridFile.toString().equals(SolverSpec.TUNED);
  }
}
