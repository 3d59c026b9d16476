package io.flowmatch.training.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.progress.Progress;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.data.BatchSampler;
import io.flowmatch.training.data.StepRandom;
import io.flowmatch.training.data.TrainingData;
import io.flowmatch.training.model.FlowModels;
import io.flowmatch.training.path.AffinePath;
import io.flowmatch.training.path.Paths;
import io.flowmatch.training.precision.HalfPrecisionPolicy;
import io.flowmatch.training.precision.HalfPrecisionProbe;
import io.flowmatch.training.precision.LossScaler;
import io.flowmatch.training.precision.MixedPrecisionModel;
import io.flowmatch.training.precision.Precision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The flow-matching training loop: for each step, a batch x1 of data, noise x0 and times t (all
 * derived from (seed, step)), x_t and the target velocity from the path, MSE between the network's
 * velocity and the target, backward in the working precision, unscale and inf/NaN check in float32,
 * global-norm clipping, AdamW on the float32 masters, EMA. Checkpoints, log rows, previews and the
 * progress line come out as it goes.
 *
 * <p>Use: {@code try (FlowTrainer t = new FlowTrainer(run, data, manager, err)) { t.train(); }}.
 * {@link #requestStop()} (from a shutdown hook) makes the loop save a checkpoint and return.
 */
public final class FlowTrainer implements AutoCloseable {
  private final RunFolder run;
  private final TrainConfig config;
  private final TrainingData data;
  private final NDManager manager;
  private final PrintWriter err;
  private final Precision precision;
  private final HalfPrecisionPolicy.Plan precisionPlan;
  private final AffinePath path;
  private final MixedPrecisionModel model;
  private final Ema ema;
  private final AdamW optimizer;
  private final LossScaler scaler;
  private final LearningRate learningRate;
  private final BatchSampler sampler;
  private final CheckpointStore checkpoints;
  private final long parameterCount;
  private long step;
  private long skippedSteps;
  private double lastLoss = Double.NaN;
  private long lastCheckpointStep = -1;
  private volatile boolean stopRequested;
  private long stopAtStep = Long.MAX_VALUE;
  private boolean quiet;
  private boolean forceBar;

  /**
   * Builds the networks and the optimizer; restores the run's checkpoint if it has one.
   *
   * @param manager owner of every array of the run (its device is the training device)
   * @param err where the progress line goes
   */
  public FlowTrainer(RunFolder run, TrainingData data, NDManager manager, PrintWriter err)
      throws IOException {
    this.run = run;
    this.config = run.config();
    this.data = data;
    this.manager = manager;
    this.err = err;
    Precision requested = Precision.parse(config.precision());
    ai.djl.Device device = manager.getDevice();
    this.precisionPlan =
        HalfPrecisionPolicy.plan(
            requested,
            Architectures.of(config.model().type()).heavyOps(),
            device.getDeviceType(),
            () -> HalfPrecisionProbe.speedups(device));
    this.precision = precisionPlan.effective();
    this.path = Paths.create(config.path(), config.pathParams());
    if (!java.util.Arrays.equals(data.sampleShape(), config.sampleShape())) {
      throw FlowmatchException.invalidArgument(
          "data set samples are "
              + java.util.Arrays.toString(data.sampleShape())
              + " but the run expects "
              + java.util.Arrays.toString(config.sampleShape()));
    }
    this.sampler = new BatchSampler(data.size(), config.batch(), config.seed());
    this.learningRate =
        new LearningRate(config.lr(), config.warmup(), config.steps(), config.schedule());
    this.checkpoints = new CheckpointStore(run.dir());

    Shape[] shapes = FlowModels.inputShapes(config.batch(), config.sampleShape());
    // the seed fixes the initial weights: two runs with one config start from the same point
    Engine.getInstance().setRandomSeed((int) config.seed());
    Block master = Architectures.newBlock(config.model(), config.sampleShape());
    master.initialize(manager, DataType.FLOAT32, shapes);
    Block emaBlock = Architectures.newBlock(config.model(), config.sampleShape());
    emaBlock.initialize(manager, DataType.FLOAT32, shapes);
    boolean resume = run.hasCheckpoint();
    TrainState state = null;
    if (resume) {
      state = run.state();
      RunFolder.loadInto(master, manager, run.modelParams());
      RunFolder.loadInto(emaBlock, manager, run.emaParams());
    }
    this.model =
        new MixedPrecisionModel(
            precision,
            master,
            () -> Architectures.newBlock(config.model(), config.sampleShape()),
            manager,
            shapes);
    this.ema = new Ema(emaBlock, config.emaDecay());
    this.optimizer =
        new AdamW(
            manager,
            model.masterArrays(),
            config.beta1(),
            config.beta2(),
            config.eps(),
            config.weightDecay());
    this.scaler =
        precision.half()
            ? LossScaler.dynamic(config.lossScale(), config.lossScaleWindow())
            : LossScaler.none();
    if (resume) {
      Path opt = run.optimizerState();
      if (!Files.isRegularFile(opt)) {
        throw new FlowmatchException(
            ErrorKind.BAD_INPUT,
            "checkpoint incomplete: "
                + opt
                + " is missing (expected the AdamW state next to state.json)");
      }
      try (var in =
          new java.io.DataInputStream(
              new java.io.BufferedInputStream(Files.newInputStream(opt), 1 << 16))) {
        optimizer.load(manager, in);
      } catch (java.io.EOFException e) {
        throw new FlowmatchException(
            ErrorKind.BAD_INPUT,
            opt + " is truncated (expected the AdamW state of the run's model)",
            e);
      }
      if (optimizer.updates() != state.updates()) {
        throw new IOException(
            "checkpoint is inconsistent: optimizer has "
                + optimizer.updates()
                + " updates, state.json says "
                + state.updates());
      }
      scaler.restore(state.lossScale(), state.goodSteps());
      step = state.step();
      skippedSteps = state.skippedSteps();
      lastLoss = state.lastLoss();
      lastCheckpointStep = step;
    } else {
      ema.reset(model.masterArrays());
    }
    this.parameterCount = FlowModels.parameterCount(master);
  }

  /** The working precision and why (the probe's verdict for {@code fp16}). */
  public HalfPrecisionPolicy.Plan precisionPlan() {
    return precisionPlan;
  }

  /** Steps completed so far (the checkpoint's step right after a resume). */
  public long step() {
    return step;
  }

  public long parameterCount() {
    return parameterCount;
  }

  public MixedPrecisionModel model() {
    return model;
  }

  public Ema ema() {
    return ema;
  }

  public LossScaler scaler() {
    return scaler;
  }

  /** Turns the stderr progress off ({@code --quiet}). */
  public void quiet() {
    this.quiet = true;
  }

  /** Draws the progress bar even when stderr is not a terminal ({@code --progress}). */
  public void forceBar() {
    this.forceBar = true;
  }

  /** Asks the loop to checkpoint after the current step and return (safe from any thread). */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Makes {@link #train()} stop as if interrupted once {@code step} steps are done: it writes a
   * checkpoint and returns with {@code interrupted} set (for drivers and tests of resumption).
   */
  public void stopAt(long step) {
    this.stopAtStep = step;
  }

  /** Outcome of {@link #train()}. */
  public record Result(
      long steps,
      double lastLoss,
      double samplesPerSecond,
      double seconds,
      long skippedSteps,
      boolean interrupted) {}

  /** Runs until {@code config.steps()} steps are done (or a stop is requested). */
  public Result train() throws IOException {
    long total = config.steps();
    Progress bar = Progress.open(err, "train", total, "steps", quiet, forceBar);
    bar.update(step);
    long startStep = step;
    double trainNanos = 0;
    double rate = 0;
    boolean interrupted = false;
    long lastFlush = System.nanoTime();
    try (TrainLog log = TrainLog.open(run.log(), step)) {
      while (step < total) {
        if (stopRequested || step >= stopAtStep) {
          interrupted = true;
          break;
        }
        long t0 = System.nanoTime();
        StepOutcome o = step(step);
        double dt = System.nanoTime() - t0;
        trainNanos += dt;
        step++;
        double instant = config.batch() / (dt / 1e9);
        rate = rate == 0 ? instant : 0.9 * rate + 0.1 * instant;
        if (o.skipped) {
          skippedSteps++;
        }
        lastLoss = o.loss;
        log.append(step, o.loss, o.lr, o.scaleUsed, instant, o.skipped);
        if (System.nanoTime() - lastFlush > 2_000_000_000L) {
          log.flush(); // so that log.csv can be watched while training
          lastFlush = System.nanoTime();
        }
        bar.update(step, progressText(o.loss, rate));
        boolean last = step == total;
        if (last || step % config.checkpointEvery() == 0) {
          log.flush();
          saveCheckpoint();
        }
        if (config.sampleEvery() > 0 && (step % config.sampleEvery() == 0 || last)) {
          writePreview();
        }
      }
      log.flush();
      if (interrupted && lastCheckpointStep != step) {
        saveCheckpoint();
      }
    } finally {
      bar.close();
    }
    long done = step - startStep;
    double seconds = trainNanos / 1e9;
    return new Result(
        step,
        lastLoss,
        done > 0 ? done * config.batch() / seconds : 0,
        seconds,
        skippedSteps,
        interrupted);
  }

  /** The bar's extra text: loss, images/s, and the loss scale when it is not 1. */
  private String progressText(double loss, double samplesPerSecond) {
    return "loss "
        + Numbers.fixed(loss, 4)
        + ", "
        + Numbers.fixed(samplesPerSecond, 0)
        + " samples/s"
        + (scaler.scale() != 1.0 ? ", scale " + Numbers.fixed(scaler.scale(), 0) : "");
  }

  private record StepOutcome(float loss, double lr, double scaleUsed, boolean skipped) {}

  /** One optimizer step (0-based index {@code s}). */
  private StepOutcome step(long s) {
    int b = config.batch();
    int d = config.sampleSize();
    double lr = learningRate.at(s);
    double scale = scaler.scale();
    try (NDManager sm = manager.newSubManager()) {
      Shape batchShape = FlowModels.inputShapes(b, config.sampleShape())[0];
      NDArray x1 = sm.create(data.gather(sampler.indices(s)), batchShape);
      NDArray x0 =
          sm.create(
              StepRandom.gaussians(StepRandom.of(config.seed(), StepRandom.NOISE, s), b * d),
              batchShape);
      float[] t = sampleTimes(StepRandom.of(config.seed(), StepRandom.TIME, s), b);
      AffinePath.PathSample ps = path.sample(x0, x1, t);
      NDArray times = sm.create(t);
      float loss =
          FlowMatchingLoss.backward(
              model, new ParameterStore(sm, false), ps.xt(), times, ps.target(), scale);
      if (!Float.isFinite(loss)) {
        throw nonFinite("loss", loss, s + 1);
      }
      MixedPrecisionModel.Gradients g = model.unscaledGradients(sm, scale);
      if (!g.finite()) {
        if (scaler.isDynamic()) {
          scaler.update(false); // overflow: skip, lower the scale
          return new StepOutcome(loss, lr, scale, true);
        }
        throw nonFinite("gradient norm", g.sumSquares(), s + 1);
      }
      scaler.update(true);
      List<NDArray> grads = g.arrays();
      double norm = g.norm();
      if (config.clipNorm() > 0 && norm > config.clipNorm()) {
        float c = (float) (config.clipNorm() / (norm + 1e-6));
        for (NDArray a : grads) {
          a.muli(c);
        }
      }
      optimizer.step(model.masterArrays(), grads, lr);
      model.syncWorkingCopy();
      ema.update(model.masterArrays(), optimizer.updates());
      return new StepOutcome(loss, lr, scale, false);
    }
  }

  private float[] sampleTimes(SplittableRandom rng, int n) {
    float[] t = new float[n];
    float max = (float) path.maxTime();
    boolean logitNormal = config.timeSampling().equals("logit-normal");
    float[] z = logitNormal ? StepRandom.gaussians(rng, n) : null;
    for (int i = 0; i < n; i++) {
      double u = logitNormal ? 1 / (1 + Math.exp(-z[i])) : rng.nextDouble();
      t[i] = Math.min(max, (float) u);
    }
    return t;
  }

  private FlowmatchException nonFinite(String what, double value, long atStep) {
    String kept =
        lastCheckpointStep >= 0
            ? "the last good checkpoint (step "
                + lastCheckpointStep
                + ") is kept in "
                + run.checkpointDir()
            : "no checkpoint had been written yet";
    return new FlowmatchException(
        ErrorKind.NUMERIC,
        what
            + " became "
            + (Double.isNaN(value) ? "NaN" : "infinite")
            + " at step "
            + atStep
            + "; training stopped, "
            + kept
            + " (try a lower --lr)");
  }

  /** Writes the checkpoint of the current step (atomically). */
  public void saveCheckpoint() throws IOException {
    TrainState state =
        new TrainState(
            step,
            optimizer.updates(),
            scaler.scale(),
            scaler.goodSteps(),
            skippedSteps,
            lastLoss,
            config.seed(),
            TrainState.RNG);
    Map<String, CheckpointStore.Part> parts = new LinkedHashMap<>();
    parts.put(RunFolder.MODEL_PARAMS, out -> model.master().saveParameters(out));
    parts.put(RunFolder.EMA_PARAMS, out -> ema.block().saveParameters(out));
    parts.put(RunFolder.OPTIMIZER, optimizer::save);
    parts.put(
        RunFolder.STATE,
        out -> out.write(state.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    try {
      checkpoints.write(parts);
    } catch (IOException e) {
      throw FlowmatchException.io(
          "could not write the checkpoint of step "
              + step
              + " in "
              + run.dir()
              + " ("
              + e.getMessage()
              + "); the previous checkpoint is intact",
          e);
    }
    lastCheckpointStep = step;
  }

  /**
   * Writes {@code samples/step-NNNNNN.png} (and {@code .svg} for 2-D data) from the EMA weights.
   */
  public void writePreview() throws IOException {
    java.nio.file.Path png = run.samplesDir().resolve(String.format("step-%06d.png", step));
    SamplePreview.write(
        png, manager, ema.block(), config.seed(), config.sampleShape(), config.dataRange(), step);
  }

  @Override
  public void close() {
    // the arrays belong to the caller's manager; nothing of our own to release
  }
}
