package io.flowmatch.cli;

import ai.onnxruntime.OrtException;
import io.flowmatch.inference.bench.BenchTable;
import io.flowmatch.inference.bench.SamplingGrid;
import io.flowmatch.inference.bench.SolverSpec;
import io.flowmatch.inference.cli.DeclaresOutputs;
import io.flowmatch.inference.cli.FailureException;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.cli.UsageException;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.FieldOptions;
import io.flowmatch.inference.field.OnnxVelocityField;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.io.AtomicFile;
import io.flowmatch.inference.io.OutputGroup;
import io.flowmatch.inference.perf.MachineInfo;
import io.flowmatch.inference.perf.MatmulPeak;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.training.bench.OpProfile;
import io.flowmatch.training.bench.OrtVsDjl;
import io.flowmatch.training.runtime.PyTorchRuntime;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowmatch bench}: sampling speed of ONNX models over batch sizes, solvers, thread counts
 * and providers, against the measured matmul peak; optionally ONNX Runtime vs the DJL forward of a
 * run, and the peak memory of small vs large sampling runs in separate processes.
 */
@Command(
    name = "bench",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch bench --models models/gmm8.onnx --batches 256 --solvers euler:20 --threads 1 --repeats 1",
      "  flowmatch bench --models models/fashion-mnist-dit.onnx --batches 16,64,256 --solvers heun:10 --threads 1 --profile"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Benchmarks sampling speed against the machine's matmul peak.",
      "Per model, batch, solver and thread count: samples/s, ms per model call, share of time"
          + " outside the model, GFLOP/s (FLOPs counted from the ONNX graph) and its share of the"
          + " measured fp32 matmul peak; medians of interleaved repeats. Optionally ONNX Runtime vs"
          + " the DJL forward of a run (--djl-run) and peak memory of sampling runs, one process"
          + " each (--memory-model)."
    })
public final class BenchCommand implements Callable<Integer>, DeclaresOutputs {
  /**
   * Set by the launcher: the JVM options it gives the sampling commands (the memory check's
   * default).
   */
  static final String SAMPLING_JAVA_OPTS_PROPERTY = "flowmatch.sampling-java-opts";

  static final String DEFAULT_BATCHES = "1,16,64,256,1024";
  static final String DEFAULT_SOLVERS = "euler:10,euler:20,heun:10,heun:20,dopri5";

  @Spec CommandSpec spec;

  @Option(
      names = "--models",
      paramLabel = "M",
      split = ",",
      description = "ONNX models (default: every models/*.onnx in the flowmatch folder)")
  List<Path> models;

  @Option(
      names = "--batches",
      paramLabel = "B,...",
      defaultValue = DEFAULT_BATCHES,
      description = "batch sizes (default ${DEFAULT-VALUE})")
  String batches;

  @Option(
      names = "--solvers",
      paramLabel = "S,...",
      defaultValue = DEFAULT_SOLVERS,
      description = "NAME:STEPS or adaptive NAME[:TOL] (default ${DEFAULT-VALUE})")
  String solvers;

  @Option(
      names = "--threads",
      paramLabel = "T,...",
      defaultValue = "1,2",
      description = "intra-op thread counts, side by side (default ${DEFAULT-VALUE})")
  String threads;

  @Option(
      names = "--providers",
      paramLabel = "P,...",
      defaultValue = "cpu",
      description =
          "cpu, cuda, tensorrt; a GPU provider that falls back is skipped (default ${DEFAULT-VALUE})")
  String providers;

  @Option(
      names = "--optimizations",
      paramLabel = "O,...",
      defaultValue = "all",
      description =
          "ONNX Runtime graph optimisation levels, side by side: all, extended, basic, none (default ${DEFAULT-VALUE})")
  String optimizations;

  @Option(
      names = "--repeats",
      paramLabel = "R",
      defaultValue = "5",
      description = "timed solves per cell; medians are reported (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--csv", paramLabel = "FILE", description = "also write the table as CSV")
  Path csv;

  @Option(
      names = "--skip-peak",
      description = "do not measure the matmul peak (no efficiency column)")
  boolean skipPeak;

  @Option(
      names = "--skip-grid",
      description = "only the other parts (peak, --profile, --djl-run, --memory-model)")
  boolean skipGrid;

  @Option(
      names = "--profile",
      description =
          "also print where each model call's time goes: ONNX Runtime's profiler, kernel time per op type,"
              + " per model and batch, at the first --threads value (float32 models)")
  boolean profile;

  @Option(
      names = "--djl-run",
      paramLabel = "DIR",
      description = "run folder: ONNX Runtime vs DJL forward, same EMA weights, Euler")
  Path djlRun;

  @Option(
      names = "--djl-batch",
      paramLabel = "B",
      defaultValue = "256",
      description = "batch of the DJL comparison (default ${DEFAULT-VALUE})")
  int djlBatch;

  @Option(
      names = "--djl-steps",
      paramLabel = "K",
      defaultValue = "20",
      description = "Euler steps of the DJL comparison (default ${DEFAULT-VALUE})")
  int djlSteps;

  @Option(
      names = "--memory-model",
      paramLabel = "M",
      description =
          "model for the memory check: 'flowmatch sample --save-npy' at each --memory-n, one process each")
  Path memoryModel;

  @Option(
      names = "--memory-n",
      paramLabel = "N,...",
      defaultValue = "1000,100000",
      description = "sample counts of the memory check (default ${DEFAULT-VALUE})")
  String memoryN;

  @Option(
      names = "--memory-solver",
      paramLabel = "S",
      description =
          "solver of the memory check's runs, NAME:STEPS, e.g. euler:2 for a slow model (default: sample's own)")
  String memorySolver;

  @Option(
      names = "--memory-java-opts",
      paramLabel = "OPTS",
      description =
          "JVM options of the memory check's processes, e.g. '-XX:+UseG1GC' (default: what the launcher gives"
              + " 'flowmatch sample', with $FLOWMATCH_JAVA_OPTS)")
  String memoryJavaOpts;

  @Mixin TrainingOutputOptions output;

  /** The progress of one part of the bench on stderr. */
  private Progress progress(String part, long total, String unit) {
    return output.progress(spec.commandLine().getErr(), "bench " + part, total, unit);
  }

  /** Where informational lines go: stdout, or nowhere with {@code --quiet}. */
  private PrintWriter info() {
    return output.quiet ? new PrintWriter(Writer.nullWriter()) : spec.commandLine().getOut();
  }

  @Override
  public void declareOutputs(OutputGroup.Declaration outputs) {
    outputs.file(csv);
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    int[] batchList = positives("--batches", batches, 1);
    int[] threadList = positives("--threads", threads, 1);
    for (int t : threadList) {
      io.flowmatch.inference.runtime.ThreadCount.check("--threads", t);
    }
    int[] memoryCounts = positives("--memory-n", memoryN, 1);
    SolverSpec memorySolverSpec =
        memorySolver == null ? null : SolverSpec.parse("--memory-solver", memorySolver);
    if (memorySolverSpec != null && memorySolverSpec.adaptive()) {
      throw new UsageException(
          "--memory-solver takes a fixed-step NAME:STEPS, got '" + memorySolver + "'");
    }
    List<SolverSpec> solverList = new ArrayList<>();
    for (String s : solvers.split(",", -1)) {
      solverList.add(SolverSpec.parse(s));
    }
    List<String> providerList = new ArrayList<>();
    for (String p : providers.split(",", -1)) {
      if (!FieldOptions.PROVIDERS.contains(p.trim())) {
        throw new UsageException(
            "--providers: unknown provider '"
                + p.trim()
                + "', expected one of: "
                + String.join(", ", FieldOptions.PROVIDERS));
      }
      providerList.add(p.trim());
    }
    List<String> optimizationList = new ArrayList<>();
    for (String o : optimizations.split(",", -1)) {
      if (!FieldOptions.OPTIMIZATIONS.contains(o.trim())) {
        throw new UsageException(
            "--optimizations: unknown level '"
                + o.trim()
                + "', expected one of: "
                + String.join(", ", FieldOptions.OPTIMIZATIONS));
      }
      optimizationList.add(o.trim());
    }
    if (repeats < 1) {
      throw new UsageException("--repeats must be a positive integer, got " + repeats);
    }
    if (djlBatch < 1 || djlSteps < 1) {
      throw new UsageException(
          "--djl-batch and --djl-steps must be positive integers, got "
              + djlBatch
              + " and "
              + djlSteps);
    }
    if (djlRun != null && !Files.isDirectory(djlRun)) {
      throw new UsageException("--djl-run " + djlRun + " is not a folder");
    }
    if (memoryModel != null) {
      requireFile("--memory-model", memoryModel);
    }
    if (csv != null && Files.isDirectory(csv)) {
      throw new UsageException("--csv " + csv + " is a folder, expected a file name");
    }
    List<Path> modelList = skipGrid && !profile ? List.of() : modelsToRun();

    out.printf(
        Locale.ROOT,
        "bench: %s, %d cores visible to the JVM, load average %s%n",
        MachineInfo.cpuModel(),
        Runtime.getRuntime().availableProcessors(),
        MachineInfo.loadAverage());
    if (!skipPeak) {
      for (int t : threadList) {
        try {
          MatmulPeak.Result r = MatmulPeak.measure(t, 9);
          out.println(
              "matmul peak, "
                  + t
                  + " thread(s): "
                  + Numbers.fixed(r.gflops(), 1)
                  + " GFLOP/s median, "
                  + Numbers.fixed(r.bestGflops(), 1)
                  + " best (8 × 256×1024·1024×1024 fp32 through ONNX Runtime, 9 runs; the grid"
                  + " re-measures it in every round)");
          MatmulPeak.Result q = MatmulPeak.measureInt8(t, 9);
          out.println(
              "int8 matmul peak, "
                  + t
                  + " thread(s): "
                  + Numbers.fixed(q.gflops(), 1)
                  + " GFLOP/s median, "
                  + Numbers.fixed(q.bestGflops(), 1)
                  + " best (same chain as com.microsoft:DynamicQuantizeMatMul, uint8 activations"
                  + " × int8 weights): "
                  + Numbers.fixed(q.gflops() / r.gflops(), 2)
                  + "x fp32");
        } catch (OrtException e) {
          throw new FailureException("cannot measure the matmul peak: " + e.getMessage(), e);
        }
      }
    }
    out.flush();

    if (!skipGrid && !modelList.isEmpty()) {
      runGrid(out, modelList, batchList, solverList, threadList, providerList, optimizationList);
    }
    if (profile && !modelList.isEmpty()) {
      runProfile(out, modelList, batchList, threadList[0]);
    }
    if (djlRun != null) {
      runDjl(out, threadList);
    }
    if (memoryModel != null) {
      runMemory(out, memoryCounts, memorySolverSpec);
    }
    out.println(
        "peak resident memory of this bench process (VmHWM): "
            + Numbers.fixed(MachineInfo.peakResidentKib() / 1024.0, 1)
            + " MiB; load average now "
            + MachineInfo.loadAverage());
    out.flush();
    return 0;
  }

  private void runGrid(
      PrintWriter out,
      List<Path> modelList,
      int[] batchList,
      List<SolverSpec> solverList,
      int[] threadList,
      List<String> providerList,
      List<String> optimizationList)
      throws IOException {
    int maxBatch = Arrays.stream(batchList).max().orElse(1);
    List<SamplingGrid.Target> targets = new ArrayList<>();
    Map<Integer, MatmulPeak.Probe> probes = new LinkedHashMap<>();
    try {
      for (Path model : modelList) {
        for (String provider : providerList) {
          for (String level : optimizationList) {
            for (int t : threadList) {
              SamplingGrid.Target target =
                  openTarget(
                      out,
                      model,
                      provider,
                      level,
                      t,
                      maxBatch,
                      optimizationList.size() > 1,
                      probes);
              if (target != null) {
                targets.add(target);
              }
            }
          }
        }
      }
      if (targets.isEmpty()) {
        out.println("bench: no model runs on the requested providers; nothing to measure");
        return;
      }
      // --quiet: this intro, "wrote" and the load-average note go; the figures and tables stay
      info()
          .printf(
              Locale.ROOT,
              "sampling grid: %d field(s) × %d solver(s) × %d batch size(s), %d timed solve(s) per cell"
                  + " after one warm-up, interleaved; medians%n",
              targets.size(),
              solverList.size(),
              batchList.length,
              repeats);
      out.flush();
      List<SamplingGrid.Row> rows;
      long solves = (long) batchList.length * targets.size() * solverList.size() * (repeats + 1);
      try (Progress bar = progress("grid", solves, "solves")) {
        rows = SamplingGrid.run(targets, batchList, solverList, repeats, bar::update);
      }
      BenchTable.print(out, rows);
      BenchTable.printRatios(out, rows);
      if (csv != null) {
        AtomicFile.write(csv, BenchTable.csv(rows).getBytes(StandardCharsets.UTF_8));
        info().println("wrote " + csv);
      }
      info().printf(Locale.ROOT, "load average after the grid: %s%n", MachineInfo.loadAverage());
    } finally {
      for (SamplingGrid.Target t : targets) {
        t.field().close();
      }
      probes.values().forEach(MatmulPeak.Probe::close);
    }
  }

  /**
   * Opens one field of the grid, or returns null (after a line saying why) when its provider fell
   * back.
   */
  private SamplingGrid.Target openTarget(
      PrintWriter out,
      Path model,
      String provider,
      String level,
      int threads,
      int maxBatch,
      boolean nameLevel,
      Map<Integer, MatmulPeak.Probe> probes) {
    List<String> warnings = new ArrayList<>();
    FieldOptions options =
        FieldOptions.defaults()
            .withProvider(provider)
            .withThreads(threads)
            .withOptimization(level)
            .withMaxBatch(maxBatch)
            .withWarnings(warnings::add);
    OnnxVelocityField field = OnnxVelocityField.open(model, options);
    if (!field.providerUsed().equals(provider)) {
      field.close();
      out.println(
          "skip: "
              + model.getFileName()
              + " on "
              + provider
              + ", "
              + threads
              + " thread(s): the provider is not available here and fell back to "
              + field.providerUsed()
              + (warnings.isEmpty()
                  ? ""
                  : " (" + warnings.get(0).replaceFirst("^warning: ", "") + ")"));
      return null;
    }
    MatmulPeak.Probe probe = null;
    if (!skipPeak && provider.equals("cpu")) {
      probe = probes.get(threads);
      if (probe == null) {
        probe = newProbe(threads);
        probes.put(threads, probe);
      }
    }
    String label = model.getFileName() + (nameLevel ? " @" + level : "");
    return new SamplingGrid.Target(label, field, model, threads, probe);
  }

  private static MatmulPeak.Probe newProbe(int threads) {
    try {
      return new MatmulPeak.Probe(threads);
    } catch (OrtException e) {
      throw new FailureException("cannot set up the matmul peak: " + e.getMessage(), e);
    }
  }

  private void runDjl(PrintWriter out, int[] threadList) throws IOException {
    try {
      PyTorchRuntime.engine();
    } catch (RuntimeException | LinkageError e) {
      throw new FailureException("could not load DJL's PyTorch engine: " + e.getMessage(), e);
    }
    List<OrtVsDjl.Result> results;
    try {
      results = OrtVsDjl.run(djlRun, threadList, djlBatch, djlSteps, repeats);
    } catch (FlowmatchException e) {
      if (!e.kind().isUsage()) {
        throw e;
      }
      throw new UsageException("--djl-run: " + e.getMessage());
    }
    out.printf(
        Locale.ROOT,
        "ONNX Runtime vs DJL (PyTorch) forward, same EMA weights of %s, Euler %d steps, batch %d,"
            + " %d interleaved solves each, medians:%n",
        djlRun,
        djlSteps,
        djlBatch,
        repeats);
    out.printf(
        Locale.ROOT,
        "%7s %10s %14s %14s %12s %12s %9s %12s%n",
        "threads",
        "call batch",
        "ORT samples/s",
        "DJL samples/s",
        "ORT ms/call",
        "DJL ms/call",
        "ORT/DJL",
        "max|ORT-DJL|");
    for (OrtVsDjl.Result r : results) {
      out.printf(
          Locale.ROOT,
          "%7d %10d %14.1f %14.1f %12.3f %12.3f %8.2fx %12.2e%n",
          r.threads(),
          r.callBatch(),
          r.ortSamplesPerSecond(),
          r.djlSamplesPerSecond(),
          r.ortMsPerCall(),
          r.djlMsPerCall(),
          r.ratio(),
          r.maxAbsDifference());
    }
    out.printf(
        Locale.ROOT, "load average after the DJL comparison: %s%n", MachineInfo.loadAverage());
    out.flush();
  }

  private void runProfile(PrintWriter out, List<Path> modelList, int[] batchList, int threads)
      throws IOException {
    long done = 0;
    try (Progress bar =
        progress("profile", (long) modelList.size() * batchList.length, "profiles")) {
      for (Path model : modelList) {
        for (int batch : batchList) {
          List<OpProfile.Row> rows;
          bar.update(done++, model.getFileName() + " batch " + batch);
          try {
            rows = OpProfile.profile(model, batch, threads, repeats);
          } catch (IllegalArgumentException e) {
            out.printf(Locale.ROOT, "skip profile: %s%n", e.getMessage());
            break;
          } catch (OrtException e) {
            throw new FailureException("profile of " + model + " failed: " + e.getMessage(), e);
          }
          double total = rows.stream().mapToDouble(OpProfile.Row::msPerCall).sum();
          out.println(
              "profile "
                  + model.getFileName()
                  + ", batch "
                  + batch
                  + ", "
                  + threads
                  + " thread(s), "
                  + repeats
                  + " calls: "
                  + Numbers.fixed(total, 2)
                  + " ms of kernels per call");
          out.printf(
              Locale.ROOT,
              "  %-24s %6s %10s %7s%n",
              "op (after ORT's fusions)",
              "nodes",
              "ms/call",
              "share");
          for (OpProfile.Row r : rows) {
            if (r.share() >= 0.001) {
              out.printf(
                  Locale.ROOT,
                  "  %-24s %6d %10.3f %6.1f%%%n",
                  r.opType(),
                  r.nodes(),
                  r.msPerCall(),
                  100 * r.share());
            }
          }
          out.flush();
        }
      }
    }
  }

  /** JVM options of the memory check: as given, else what the launcher runs 'sample' with. */
  private String memoryJvmOptions() {
    if (memoryJavaOpts != null) {
      return memoryJavaOpts;
    }
    String launcher = System.getProperty(SAMPLING_JAVA_OPTS_PROPERTY);
    return launcher != null ? launcher : System.getenv().getOrDefault("FLOWMATCH_JAVA_OPTS", "");
  }

  private void runMemory(PrintWriter out, int[] counts, SolverSpec solver) throws IOException {
    Path dir = Files.createTempDirectory("flowmatch-bench-memory");
    String opts = memoryJvmOptions();
    List<String> jvm = opts.isBlank() ? List.of() : List.of(opts.trim().split("\\s+"));
    List<String> solverArgs =
        solver == null
            ? List.of()
            : List.of("--solver", solver.name(), "--steps", Integer.toString(solver.steps()));
    out.printf(
        Locale.ROOT,
        "peak memory of 'flowmatch sample --model %s%s --save-npy', one fresh JVM per run%s:%n",
        memoryModel,
        solver == null ? "" : " " + String.join(" ", solverArgs),
        jvm.isEmpty() ? " (JVM defaults)" : " (JVM options " + String.join(" ", jvm) + ")");
    long first = -1;
    try (Progress bar = progress("memory", counts.length, "runs")) {
      int done = 0;
      for (int n : counts) {
        bar.update(done++, "--n " + n);
        Path npy = dir.resolve("samples-" + n + ".npy");
        MemoryProbe.Result r;
        try {
          List<String> args =
              new ArrayList<>(
                  List.of(
                      "sample",
                      "--model",
                      memoryModel.toString(),
                      "--n",
                      Integer.toString(n),
                      "--save-npy",
                      npy.toString(),
                      "--threads",
                      "1"));
          args.addAll(solverArgs);
          r = MemoryProbe.measure(jvm, args.toArray(String[]::new));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new FailureException("memory check interrupted");
        }
        if (r.exitCode() != 0 || r.peakKib() < 0) {
          throw new FailureException(
              "memory check: 'sample --n "
                  + n
                  + "' failed (exit "
                  + r.exitCode()
                  + "): "
                  + r.lastOutputLine());
        }
        first = first < 0 ? r.peakKib() : first;
        out.printf(
            Locale.ROOT,
            "  --n %-8d VmHWM %8.1f MiB (%+.1f%% vs the first)  %s%n",
            n,
            r.peakKib() / 1024.0,
            100.0 * (r.peakKib() - first) / first,
            r.summaryLine());
        Files.deleteIfExists(npy);
      }
    } finally {
      try (Stream<Path> left = Files.list(dir)) {
        for (Path p : (Iterable<Path>) left::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
    out.flush();
  }

  /** The --models list, or every models/*.onnx of the flowmatch folder. */
  private List<Path> modelsToRun() throws IOException {
    if (models != null) {
      for (Path m : models) {
        requireFile("--models", m);
      }
      return models;
    }
    String home = System.getProperty(io.flowmatch.inference.cli.ModelOptions.HOME_PROPERTY);
    Path dir =
        Path.of(home != null && !home.isBlank() ? home : "").toAbsolutePath().resolve("models");
    List<Path> found = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().forEach(found::add);
      }
    }
    if (found.isEmpty()) {
      throw new UsageException("no --models given and no .onnx file in " + dir);
    }
    return found;
  }

  private static void requireFile(String option, Path p) {
    if (!Files.exists(p)) {
      throw new UsageException(option + " " + p + ": no such file");
    }
    if (Files.isDirectory(p)) {
      throw new UsageException(option + " " + p + " is a folder, expected an .onnx file");
    }
  }

  /** A comma-separated list of integers ≥ {@code min}. */
  static int[] positives(String option, String text, int min) {
    String[] parts = text.split(",", -1);
    int[] values = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      int v;
      try {
        v = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        v = min - 1;
      }
      if (v < min) {
        throw new UsageException(
            option + " must be positive integers separated by commas, got '" + text + "'");
      }
      values[i] = v;
    }
    return values;
  }
}
