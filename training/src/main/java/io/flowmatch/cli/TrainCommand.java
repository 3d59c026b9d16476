package io.flowmatch.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.flowmatch.inference.cli.FailureException;
import io.flowmatch.inference.cli.FlowmatchVersion;
import io.flowmatch.inference.cli.HelpGroup;
import io.flowmatch.inference.cli.HelpLayout;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.path.AffinePaths;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.data.Datasets;
import io.flowmatch.training.data.TrainingData;
import io.flowmatch.training.export.RunExport;
import io.flowmatch.training.export.onnx.ExportResult;
import io.flowmatch.training.model.ModelSpec;
import io.flowmatch.training.precision.HalfPrecisionPolicy;
import io.flowmatch.training.runtime.PyTorchRuntime;
import io.flowmatch.training.train.FlowTrainer;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flowmatch train}: trains a velocity network and writes a run folder. */
@Command(
    name = "train",
    footerHeading = "%nExamples:%n",
    footer = {
      "  flowmatch train --data checkerboard --model mlp --steps 1000 --threads 1 --out runs/cb",
      "  flowmatch train --out runs/cb --resume --steps 2000 --threads 1",
      "  flowmatch train --config runs/cb/config.json --lr 5e-4 --out runs/cb-lr   # a new run from a saved config"
    },
    mixinStandardHelpOptions = true,
    versionProvider = FlowmatchVersion.class,
    sortOptions = false,
    description = {
      "Trains a flow-matching velocity network with DJL (PyTorch engine) into a run folder.",
      "The folder holds config.json, checkpoint/{model,ema}.params, optimizer.bin, state.json,"
          + " log.csv (step, loss, lr, loss_scale, samples_per_s, skipped, elapsed_s, utc),"
          + " samples/*.png. A resumed run (--resume) continues exactly: the same losses as an"
          + " uninterrupted run."
    })
public final class TrainCommand implements Callable<Integer>, HelpLayout.Defaults {

  @Spec CommandSpec spec;

  @HelpGroup("Data")
  @Option(
      names = "--data",
      paramLabel = "DATASET",
      description = "moons, 8gaussians, checkerboard, spirals, circles, fashion-mnist, mnist")
  String data;

  @HelpGroup("Data")
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "folder of the IDX files (default /usr/share/datasets/fashion-mnist)")
  Path dataDir;

  @HelpGroup("Model")
  @Option(
      names = "--model",
      paramLabel = "ARCH",
      completionCandidates = ArchitectureNames.class,
      description = "${COMPLETION-CANDIDATES} (default " + Architectures.DEFAULT + ")")
  String model;

  @HelpGroup("Optimisation")
  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "optimizer steps in total (required for a new run without --config)")
  Integer steps;

  @HelpGroup("Optimisation")
  @Option(names = "--batch", paramLabel = "B", description = "samples per step (default 256)")
  Integer batch;

  @HelpGroup("Precision")
  @Option(
      names = "--precision",
      paramLabel = "P",
      description =
          "fp32, fp16 (mixed precision where it pays: a float16 working copy with fp32 masters"
              + " and loss scaling when a start-up probe finds float16 faster on the device for"
              + " the model's op classes, else fp32 with a warning) or fp16-always (float16"
              + " whatever it costs); default fp32")
  String precision;

  @HelpGroup("Run folder")
  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "run folder, e.g. runs/moons")
  Path out;

  @HelpGroup("Run folder")
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "start a new run from a saved run's config.json (e.g. runs/cb/config.json); options"
              + " given here replace its values, the others (warm-up, threads and device"
              + " included) are the file's")
  Path config;

  @HelpGroup("Optimisation")
  @Option(names = "--lr", paramLabel = "LR", description = "peak learning rate (default 1e-3)")
  Double lr;

  @HelpGroup("Optimisation")
  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "linear warm-up steps (default min(200, steps/10))")
  Integer warmup;

  @HelpGroup("Optimisation")
  @Option(
      names = "--schedule",
      paramLabel = "S",
      description =
          "constant, cosine, or wsd (constant, then linear to zero over the last 20%% of"
              + " steps) after warm-up (default constant); a resumed run may switch, which changes"
              + " the rate of the steps still to run")
  String schedule;

  @HelpGroup("Optimisation")
  @Option(
      names = "--ema",
      paramLabel = "DECAY",
      description = "EMA decay of the weights (default 0.999)")
  Double emaDecay;

  @HelpGroup("Optimisation")
  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed of weights, batches, noise and times (default 0)")
  Long seed;

  @HelpGroup("Run folder")
  @Option(
      names = "--checkpoint-every",
      paramLabel = "N",
      description = "steps between checkpoints (default 500)")
  Integer checkpointEvery;

  @HelpGroup("Run folder")
  @Option(
      names = "--sample-every",
      paramLabel = "N",
      description = "steps between preview grids, 0 for none (default 500)")
  Integer sampleEvery;

  @HelpGroup("Model")
  @Option(
      names = "--width",
      paramLabel = "W",
      description = "hidden width / base channels / embedding size")
  Integer width;

  @HelpGroup("Model")
  @Option(
      names = "--depth",
      paramLabel = "D",
      description = "hidden layers / blocks per level / transformer blocks")
  Integer depth;

  @HelpGroup("Model")
  @Option(
      names = "--time-embed",
      paramLabel = "D",
      description = "size of the sinusoidal time embedding (even)")
  Integer timeEmbed;

  @HelpGroup("Path and time sampling")
  @Option(
      names = "--path",
      paramLabel = "PATH",
      completionCandidates = PathNames.class,
      description = "${COMPLETION-CANDIDATES} (default " + AffinePaths.DEFAULT + ")")
  String path;

  @HelpGroup("Path and time sampling")
  @Option(
      names = "--sigma-min",
      paramLabel = "S",
      description = "σ_min of the condot path (default 0)")
  Double sigmaMin;

  @HelpGroup("Path and time sampling")
  @Option(
      names = "--path-param",
      paramLabel = "K=V",
      description = "other path parameters, e.g. beta_max=20 or n=3")
  Map<String, String> pathParams;

  @HelpGroup("Path and time sampling")
  @Option(
      names = "--time-sampling",
      paramLabel = "T",
      description = "uniform or logit-normal (default uniform)")
  String timeSampling;

  @HelpGroup("Optimisation")
  @Option(
      names = "--weight-decay",
      paramLabel = "W",
      description = "AdamW decoupled weight decay (default 0)")
  Double weightDecay;

  @HelpGroup("Optimisation")
  @Option(
      names = "--clip",
      paramLabel = "NORM",
      description = "global gradient-norm bound, 0 for none (default 1)")
  Double clip;

  @HelpGroup("Precision")
  @Option(
      names = "--loss-scale",
      paramLabel = "S",
      description = "initial fp16 loss scale (default 65536)")
  Double lossScale;

  @HelpGroup("Precision")
  @Option(
      names = "--loss-scale-window",
      paramLabel = "N",
      description = "good fp16 steps before the scale doubles (default 1000)")
  Integer lossScaleWindow;

  @HelpGroup("Run folder")
  @Option(names = "--resume", description = "continue the run in --out from its checkpoint")
  boolean resume;

  @HelpGroup("Run folder")
  @Option(names = "--force", description = "replace the run already in --out")
  boolean force;

  @HelpGroup("Device")
  @Option(names = "--device", paramLabel = "D", description = "cpu or gpu (default cpu)")
  String device;

  @HelpGroup("Device")
  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "PyTorch intra-op threads (default: all cores)")
  Integer threads;

  @HelpGroup("Run folder")
  @Option(
      names = "--no-export",
      description =
          "don't write model-fp32.onnx and model-fp16.onnx into the run folder at the end")
  boolean noExport;

  @Mixin TrainingOutputOptions output;

  @Override
  public Integer call() {
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter e = spec.commandLine().getErr();
    // train declares no outputs (it is no DeclaresOutputs): a run folder keeps its checkpoints
    // and logs as they are written, and a failed new run's folder is removed by execute
    try {
      return execute(o, e);
    } catch (UnsupportedOperationException ex) {
      // DJL's way of saying this engine or device cannot do it
      throw FlowmatchException.unsupported(ex.getMessage());
    } catch (IOException ex) {
      throw new FailureException(ex.getMessage(), ex);
    }
  }

  private int execute(PrintWriter o, PrintWriter e) throws IOException {
    if (device != null) {
      checkChoice("--device", device, List.of("cpu", "gpu"));
    }
    if (threads != null) {
      if (threads < 1) {
        throw FlowmatchException.invalidArgument(
            "--threads must be a positive integer, got " + threads);
      }
      io.flowmatch.inference.runtime.ThreadCount.check("--threads", threads);
    }
    if (resume && force) {
      throw FlowmatchException.invalidArgument("--resume and --force exclude each other");
    }
    if (resume && config != null) {
      throw FlowmatchException.invalidArgument(
          "--resume and --config exclude each other (a resumed run keeps its own config.json)");
    }
    // a resumed run, or one started from a saved config, runs with the saved threads and device
    // unless the command gives others
    RunFolder existing = resume ? RunFolder.open(out) : null;
    TrainConfig base = config != null ? readConfig(config) : null;
    TrainConfig saved = existing != null ? existing.config() : base;
    int runThreads = threads != null ? threads : saved != null ? saved.threads() : 0;
    String runDevice =
        device != null ? device : saved != null && saved.device() != null ? saved.device() : "cpu";
    // the engine, device and threads first: a failure there must leave no run folder behind
    Device dev = selectDevice(runDevice);
    if (runThreads > 0) {
      ai.djl.pytorch.jni.JniUtils.setNumThreads(runThreads);
    }
    RunFolder run;
    TrainingData trainingData;
    if (resume) {
      TrainConfig cfg = resumedConfig(existing.config()).withRuntime(runThreads, runDevice);
      trainingData =
          Datasets.load(
              cfg.dataset(), cfg.dataDir() == null ? null : Path.of(cfg.dataDir()), cfg.seed());
      if (existing.hasCheckpoint() && existing.state().step() > cfg.steps()) {
        throw FlowmatchException.invalidArgument(
            "--steps "
                + cfg.steps()
                + " is below the step the run has reached ("
                + existing.state().step()
                + ")");
      }
      run = RunFolder.reopenWith(existing, cfg);
    } else {
      TrainConfig cfg = newConfig(base).withRuntime(runThreads, runDevice);
      // load (and so check) the data before anything is written
      trainingData =
          Datasets.load(
              cfg.dataset(), cfg.dataDir() == null ? null : Path.of(cfg.dataDir()), cfg.seed());
      if (cfg.batch() > trainingData.size()) {
        throw FlowmatchException.invalidArgument(
            "--batch "
                + cfg.batch()
                + " is larger than the data set ("
                + cfg.dataset()
                + " has "
                + trainingData.size()
                + " samples)");
      }
      checkModelBuilds(cfg);
      run = RunFolder.create(out, cfg, force);
    }
    try {
      return train(run, trainingData, dev, o, e);
    } catch (RuntimeException | IOException | Error ex) {
      // a new run that failed before its first checkpoint leaves no config.json to block a retry
      if (!resume) {
        try {
          run.discardIfUnstarted();
        } catch (IOException cleanup) {
          ex.addSuppressed(cleanup);
        }
      }
      throw ex;
    }
  }

  private int train(
      RunFolder run, TrainingData trainingData, Device dev, PrintWriter o, PrintWriter e)
      throws IOException {
    TrainConfig cfg = run.config();
    if (cfg.batch() > trainingData.size()) {
      throw FlowmatchException.invalidArgument(
          "batch "
              + cfg.batch()
              + " is larger than the data set ("
              + trainingData.size()
              + " samples)");
    }
    try (NDManager manager = NDManager.newBaseManager(dev);
        FlowTrainer trainer = newTrainer(run, trainingData, manager, e)) {
      if (output.quiet) {
        trainer.quiet();
      }
      if (output.progress) {
        trainer.forceBar();
      }
      // --quiet: the start line, notes and export lines go; the last line (the loss) is the result
      PrintWriter info = output.quiet ? new PrintWriter(Writer.nullWriter()) : o;
      info.printf(
          Locale.ROOT,
          "train: %s with %,d parameters on %s (%,d samples %s), %s, step %d → %d, batch %d, %s%n",
          cfg.model().type(),
          trainer.parameterCount(),
          cfg.dataset(),
          trainingData.size(),
          java.util.Arrays.toString(cfg.sampleShape()),
          trainer.precisionPlan().effective().label().equals(cfg.precision())
              ? cfg.precision()
              : cfg.precision()
                  + " (training in "
                  + trainer.precisionPlan().effective().label()
                  + ")",
          trainer.step(),
          cfg.steps(),
          cfg.batch(),
          deviceName(dev));
      info.flush();
      HalfPrecisionPolicy.Plan plan = trainer.precisionPlan();
      if (plan.message() != null) {
        PrintWriter said = plan.warning() ? e : info;
        said.println(plan.message());
        said.flush();
      }
      if (trainer.step() >= cfg.steps()) {
        o.println(
            "train: the run is complete at step "
                + trainer.step()
                + "; give a larger --steps to extend it");
        return 0;
      }
      CountDownLatch finished = new CountDownLatch(1);
      Thread hook =
          new Thread(
              () -> {
                trainer.requestStop();
                try {
                  finished.await(120, TimeUnit.SECONDS); // let the loop write its checkpoint
                } catch (InterruptedException ignored) {
                  Thread.currentThread().interrupt();
                }
              },
              "flowmatch-train-ctrl-c");
      Runtime.getRuntime().addShutdownHook(hook);
      FlowTrainer.Result r = null;
      try {
        r = trainer.train();
        if (r.interrupted()) {
          // printed before the hook is released: once it returns, the JVM halts
          e.println(
              "train: interrupted; checkpoint at step "
                  + r.steps()
                  + "; resume with: flowmatch train --out "
                  + run.dir()
                  + " --resume");
          e.flush();
        }
      } finally {
        finished.countDown();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // Ctrl-C: the hook is running and waits for us; nothing to remove
        }
      }
      if (r.interrupted()) {
        return 130;
      }
      o.println(
          "train: "
              + r.steps()
              + " steps done, last loss "
              + Numbers.fixed(r.lastLoss(), 5)
              + ", "
              + Numbers.fixed(r.samplesPerSecond(), 0)
              + " samples/s ("
              + Numbers.fixed(r.seconds(), 1)
              + " s)"
              + (r.skippedSteps() > 0
                  ? ", " + r.skippedSteps() + " fp16 steps skipped for overflow"
                  : "")
              + "; EMA weights in "
              + run.emaParams());
      o.flush();
      if (!noExport) {
        exportFinishedRun(run, info);
      }
      info.flush();
      return 0;
    }
  }

  /** Writes model-fp32.onnx and model-fp16.onnx into the run folder, each parity-checked. */
  private static void exportFinishedRun(RunFolder run, PrintWriter o) {
    try {
      for (ExportResult x : RunExport.exportAll(run)) {
        o.println("train: " + x.describe());
      }
    } catch (FlowmatchException ex) {
      throw new FlowmatchException(
          ex.kind(), "training finished but the export failed: " + ex.getMessage(), ex);
    } catch (IOException ex) {
      throw new FailureException("training finished but the export failed: " + ex.getMessage(), ex);
    }
    o.flush();
  }

  /** The trainer, with PyTorch's allocation failure (a model too large) said in one line. */
  private static FlowTrainer newTrainer(
      RunFolder run, TrainingData data, NDManager manager, PrintWriter e) throws IOException {
    try {
      return new FlowTrainer(run, data, manager, e);
    } catch (ai.djl.engine.EngineException ex) {
      String m = String.valueOf(ex.getMessage());
      if (m.contains("alloc")) {
        java.util.regex.Matcher bytes =
            java.util.regex.Pattern.compile("allocate (\\d+) bytes").matcher(m);
        throw new FlowmatchException(
            ErrorKind.RESOURCE_LIMIT,
            "the model "
                + run.config().model().type()
                + " (width "
                + run.config().model().width()
                + ", depth "
                + run.config().model().depth()
                + ") does not fit in memory"
                + (bytes.find() ? ": PyTorch could not allocate " + bytes.group(1) + " bytes" : "")
                + "; choose a smaller --width or --depth",
            ex);
      }
      throw ex;
    }
  }

  private Device selectDevice(String device) {
    Engine engine;
    try {
      engine = PyTorchRuntime.engine(); // loads the PyTorch natives
    } catch (RuntimeException | LinkageError ex) {
      throw new FailureException("could not load DJL's PyTorch engine: " + ex.getMessage(), ex);
    }
    if (device.equals("cpu")) {
      return Device.cpu();
    }
    if (engine.getGpuCount() == 0) {
      throw new FailureException(
          "--device gpu: DJL's PyTorch engine finds no CUDA device (this build loads pytorch-native-cpu); use --device cpu");
    }
    return Device.gpu();
  }

  /** A saved run's config.json, for {@code --config}. */
  private static TrainConfig readConfig(Path file) {
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw FlowmatchException.invalidArgument(
          "--config " + file + " is not a file (expected a run's config.json)");
    }
    try {
      return TrainConfig.fromJson(java.nio.file.Files.readString(file));
    } catch (FlowmatchException ex) {
      throw FlowmatchException.invalidArgument("--config " + file + ": " + ex.getMessage());
    } catch (IOException ex) {
      throw FlowmatchException.io("cannot read --config " + file + ": " + ex.getMessage(), ex);
    }
  }

  /**
   * The config of a new run: the command's options over {@code base} (a saved config.json, or null
   * for the defaults). A changed data set, architecture or path drops what belonged to the old one
   * (sample shape and range, size, path parameters).
   */
  private TrainConfig newConfig(TrainConfig base) {
    String ds = data != null ? data : base != null ? base.dataset() : null;
    if (ds == null) {
      throw FlowmatchException.invalidArgument(
          "--data is required for a new run (one of " + String.join(", ", Datasets.names()) + ")");
    }
    checkChoice("--data", ds, Datasets.names());
    String arch =
        model != null ? model : base != null ? base.model().type() : Architectures.DEFAULT;
    checkChoice("--model", arch, Architectures.names());
    ModelSpec d =
        base != null && base.model().type().equals(arch)
            ? base.model()
            : Architectures.defaults(arch);
    ModelSpec ms =
        d.withSize(
            width == null ? d.width() : width,
            depth == null ? d.depth() : depth,
            timeEmbed == null ? d.timeEmbedDim() : timeEmbed);
    String p = path != null ? path : base != null ? base.path() : AffinePaths.DEFAULT;
    Map<String, Double> pp =
        base != null && base.path().equals(p)
            ? new LinkedHashMap<>(base.pathParams())
            : new LinkedHashMap<>();
    if (pathParams != null) {
      for (Map.Entry<String, String> en : pathParams.entrySet()) {
        try {
          pp.put(en.getKey(), Double.parseDouble(en.getValue()));
        } catch (NumberFormatException ex) {
          throw FlowmatchException.invalidArgument(
              "--path-param " + en.getKey() + " must be a number, got '" + en.getValue() + "'");
        }
      }
    }
    if (sigmaMin != null) {
      if (!p.equals("condot")) {
        throw FlowmatchException.invalidArgument(
            "--sigma-min applies to the condot path, not '" + p + "'");
      }
      if (!(sigmaMin >= 0 && sigmaMin < 1)) {
        throw FlowmatchException.invalidArgument("--sigma-min must lie in [0, 1), got " + sigmaMin);
      }
      pp.put("sigma_min", sigmaMin);
    }
    TrainConfig.Builder b = base != null ? base.toBuilder() : TrainConfig.builder();
    b.setDataset(ds).setModel(ms).optPath(p).optPathParams(pp);
    if (base != null && !base.dataset().equals(ds)) {
      b.optSampleShape(null).optDataRange(null).optDataDir(null);
    }
    if (steps != null) {
      b.setSteps(steps);
    }
    if (dataDir != null) {
      b.optDataDir(dataDir.toString());
    }
    if (precision != null) {
      b.optPrecision(precision);
    }
    if (seed != null) {
      b.optSeed(seed);
    }
    if (batch != null) {
      b.optBatch(batch);
    }
    if (lr != null) {
      b.optLr(lr);
    }
    if (warmup != null) {
      b.optWarmup(warmup);
    }
    if (schedule != null) {
      b.optSchedule(schedule);
    }
    if (emaDecay != null) {
      b.optEmaDecay(emaDecay);
    }
    if (checkpointEvery != null) {
      b.optCheckpointEvery(checkpointEvery);
    }
    if (sampleEvery != null) {
      b.optSampleEvery(sampleEvery);
    }
    if (timeSampling != null) {
      b.optTimeSampling(timeSampling);
    }
    if (weightDecay != null) {
      b.optWeightDecay(weightDecay);
    }
    if (clip != null) {
      b.optClipNorm(clip);
    }
    if (lossScale != null) {
      b.optLossScale(lossScale);
    }
    if (lossScaleWindow != null) {
      b.optLossScaleWindow(lossScaleWindow);
    }
    return b.build();
  }

  /**
   * A model that cannot be built yet (unet/dit before they are merged) fails before any file is
   * written.
   */
  private static void checkModelBuilds(TrainConfig cfg) {
    Architectures.newBlock(cfg.model(), cfg.sampleShape());
  }

  /**
   * The config of a resumed run: the saved one, with only the step count and the intervals open to
   * change; any other option must repeat the saved value.
   */
  private TrainConfig resumedConfig(TrainConfig saved) {
    List<String> conflicts = new ArrayList<>();
    same(conflicts, "--data", data, saved.dataset());
    same(conflicts, "--model", model, saved.model().type());
    same(conflicts, "--batch", batch, saved.batch());
    same(conflicts, "--precision", precision, saved.precision());
    same(conflicts, "--lr", lr, saved.lr());
    same(conflicts, "--warmup", warmup, saved.warmup());
    same(conflicts, "--ema", emaDecay, saved.emaDecay());
    same(conflicts, "--seed", seed, saved.seed());
    same(conflicts, "--width", width, saved.model().width());
    same(conflicts, "--depth", depth, saved.model().depth());
    same(conflicts, "--time-embed", timeEmbed, saved.model().timeEmbedDim());
    same(conflicts, "--path", path, saved.path());
    same(conflicts, "--sigma-min", sigmaMin, saved.pathParams().get("sigma_min"));
    same(conflicts, "--time-sampling", timeSampling, saved.timeSampling());
    same(conflicts, "--weight-decay", weightDecay, saved.weightDecay());
    same(conflicts, "--clip", clip, saved.clipNorm());
    same(conflicts, "--loss-scale", lossScale, saved.lossScale());
    same(conflicts, "--loss-scale-window", lossScaleWindow, saved.lossScaleWindow());
    if (pathParams != null && !pathParams.isEmpty()) {
      conflicts.add("--path-param");
    }
    if (!conflicts.isEmpty()) {
      throw FlowmatchException.invalidArgument(
          String.join(", ", conflicts)
              + " differ from the run's config.json; a resumed run keeps its config"
              + " (only --steps, --schedule, --checkpoint-every and --sample-every may change)");
    }
    TrainConfig c = saved;
    if (steps != null) {
      positive("--steps", steps);
      c = c.withSteps(steps);
    }
    if (schedule != null) {
      // e.g. constant → wsd: the steps done keep their rates, the rest anneal
      c = c.toBuilder().optSchedule(schedule).build();
    }
    int ckpt = checkpointEvery == null ? c.checkpointEvery() : checkpointEvery;
    int smp = sampleEvery == null ? c.sampleEvery() : sampleEvery;
    positive("--checkpoint-every", ckpt);
    if (smp < 0) {
      throw FlowmatchException.invalidArgument("--sample-every must be ≥ 0, got " + smp);
    }
    return c.withIntervals(ckpt, smp);
  }

  private static void same(List<String> conflicts, String option, Object given, Object saved) {
    if (given != null && !Objects.equals(given, saved)) {
      conflicts.add(option + " " + given + " (run: " + saved + ")");
    }
  }

  private static void checkChoice(String option, String value, List<String> valid) {
    TrainConfig.checkChoice(option, value, valid);
  }

  private static void positive(String option, Integer value) {
    TrainConfig.checkPositive(option, value);
  }

  @Override
  public Map<String, String> helpDefaults() {
    // the size defaults belong to the architecture (--model)
    List<String> w = new ArrayList<>();
    List<String> d = new ArrayList<>();
    List<String> te = new ArrayList<>();
    for (String a : Architectures.names()) {
      ModelSpec s = Architectures.defaults(a);
      w.add(a + " " + s.width());
      d.add(a + " " + s.depth());
      te.add(a + " " + s.timeEmbedDim());
    }
    Map<String, String> m = new LinkedHashMap<>();
    m.put("--steps", "none: required for a new run; --config and --resume keep the run's");
    m.put("--width", String.join(", ", w));
    m.put("--depth", String.join(", ", d));
    m.put("--time-embed", String.join(", ", te));
    m.put("--path-param", "the path's own (" + pathParamDefaults() + ")");
    return m;
  }

  /** "cpu" or "gpu0": DJL's own {@code Device.toString()} prints "cpu()". */
  static String deviceName(Device dev) {
    return dev.isGpu() ? "gpu" + dev.getDeviceId() : dev.getDeviceType();
  }

  /** "vp: beta_min=0.1, beta_max=20; polynomial: n=2": the default path's own is --sigma-min. */
  private static String pathParamDefaults() {
    List<String> paths = new ArrayList<>();
    for (String name : AffinePaths.names()) {
      Map<String, Double> d = AffinePaths.of(name).defaults();
      if (name.equals(AffinePaths.DEFAULT) || d.isEmpty()) {
        continue;
      }
      List<String> params = new ArrayList<>();
      d.forEach((k, v) -> params.add(k + "=" + Numbers.compact(v)));
      paths.add(name + ": " + String.join(", ", params));
    }
    return String.join("; ", paths);
  }

  /** The registered path names, for the help text of {@code --path}. */
  static final class PathNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return AffinePaths.names().iterator();
    }
  }

  /** The registered architecture names, for the help text of {@code --model}. */
  static final class ArchitectureNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return Architectures.names().iterator();
    }
  }
}
