package io.flowmatch.training.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.model.FlowModels;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A training run's folder:
 *
 * <pre>
 * runs/NAME/
 *   config.json              the whole {@link TrainConfig}
 *   checkpoint/model.params  float32 master weights  (DJL Block.saveParameters format)
 *   checkpoint/ema.params    EMA of the weights      (same format; sampled and exported by default)
 *   checkpoint/optimizer.bin AdamW moments and update count
 *   checkpoint/state.json    {@link TrainState}: step, loss scale, …
 *   log.csv                  step,loss,lr,loss_scale,samples_per_s,skipped,elapsed_s,utc
 *   samples/step-000500.png  previews from the EMA weights, titled with the step (2-D data: a
 *                            scatter plot with axes, also as step-000500.svg)
 * </pre>
 */
public final class RunFolder {
  public static final String CONFIG = "config.json";
  public static final String LOG = "log.csv";
  public static final String SAMPLES = "samples";
  public static final String MODEL_PARAMS = "model.params";
  public static final String EMA_PARAMS = "ema.params";
  public static final String OPTIMIZER = "optimizer.bin";
  public static final String STATE = "state.json";

  private final Path dir;
  private final TrainConfig config;

  private RunFolder(Path dir, TrainConfig config) {
    this.dir = dir;
    this.config = config;
  }

  /**
   * Opens an existing run (repairing a checkpoint swap a crash interrupted).
   *
   * @throws FlowmatchException the folder holds no run or its config is unreadable
   */
  public static RunFolder open(Path dir) throws IOException {
    Path cfg = dir.resolve(CONFIG);
    if (!Files.isRegularFile(cfg)) {
      throw FlowmatchException.invalidArgument(dir + " holds no training run (no " + CONFIG + ")");
    }
    TrainConfig config;
    try {
      config = TrainConfig.fromJson(Files.readString(cfg, StandardCharsets.UTF_8));
    } catch (FlowmatchException | IllegalArgumentException e) {
      // the config's own checks and JSON parse errors alike: name the file
      throw FlowmatchException.invalidArgument(cfg + ": " + e.getMessage());
    }
    new CheckpointStore(dir).recover();
    return new RunFolder(dir, config);
  }

  /**
   * Starts a new run in {@code dir}: the folder must be new or empty, or hold a previous run and
   * {@code replace} be set (its run files are then deleted; other files are never touched).
   */
  public static RunFolder create(Path dir, TrainConfig config, boolean replace) throws IOException {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw FlowmatchException.invalidArgument("output " + dir + " exists and is not a folder");
    }
    boolean replacing = holdsRun(dir);
    if (replacing && !replace) {
      throw FlowmatchException.invalidArgument(
          "output folder "
              + dir
              + " already holds a run; use --resume to continue it or --force to replace it");
    }
    if (!replacing && Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw FlowmatchException.invalidArgument(
              "output folder "
                  + dir
                  + " is not empty and holds no run; choose a new or empty folder");
        }
      }
    }
    // every check passed: only now delete the old run's files (other files are never touched)
    if (replacing) {
      for (String name :
          new String[] {
            CONFIG, LOG, SAMPLES, CheckpointStore.CURRENT, CheckpointStore.TEMP, CheckpointStore.OLD
          }) {
        CheckpointStore.deleteTree(dir.resolve(name));
      }
      for (String name : EXPORTED_MODELS) {
        Files.deleteIfExists(dir.resolve(name));
      }
    }
    Files.createDirectories(dir);
    io.flowmatch.inference.io.AtomicFile.writeString(dir.resolve(CONFIG), config.toJson());
    return new RunFolder(dir, config);
  }

  /**
   * Undoes {@link #create} for a run that failed before its first checkpoint: its config, log,
   * previews and partial checkpoint are deleted (and the folder, if that leaves it empty), so the
   * same command can simply be run again. A run with a checkpoint is kept (it can be resumed).
   */
  public void discardIfUnstarted() throws IOException {
    if (hasCheckpoint()) {
      return;
    }
    for (String name :
        new String[] {CONFIG, LOG, SAMPLES, CheckpointStore.TEMP, CheckpointStore.OLD}) {
      CheckpointStore.deleteTree(dir.resolve(name));
    }
    try (Stream<Path> s = Files.list(dir)) {
      if (s.findAny().isEmpty()) {
        Files.delete(dir);
      }
    }
  }

  /**
   * The ONNX files {@code train} and {@code export} write into a run folder by default
   * (export.onnx.OnnxExporter#defaultFileName); part of the run, so --force replaces them too.
   */
  public static final java.util.List<String> EXPORTED_MODELS =
      java.util.List.of("model-fp32.onnx", "model-fp16.onnx", "model-fp16-io.onnx");

  /** Whether a folder holds a run (a {@code config.json}). */
  public static boolean holdsRun(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  public Path dir() {
    return dir;
  }

  public TrainConfig config() {
    return config;
  }

  /**
   * The same run with a changed config (a resumed run extended with more steps or other intervals);
   * config.json is rewritten atomically.
   */
  public static RunFolder reopenWith(RunFolder run, TrainConfig newConfig) throws IOException {
    io.flowmatch.inference.io.AtomicFile.writeString(run.dir.resolve(CONFIG), newConfig.toJson());
    return new RunFolder(run.dir, newConfig);
  }

  public Path checkpointDir() {
    return dir.resolve(CheckpointStore.CURRENT);
  }

  public Path modelParams() {
    return checkpointDir().resolve(MODEL_PARAMS);
  }

  public Path emaParams() {
    return checkpointDir().resolve(EMA_PARAMS);
  }

  public Path optimizerState() {
    return checkpointDir().resolve(OPTIMIZER);
  }

  public Path stateFile() {
    return checkpointDir().resolve(STATE);
  }

  public Path log() {
    return dir.resolve(LOG);
  }

  public Path samplesDir() {
    return dir.resolve(SAMPLES);
  }

  public boolean hasCheckpoint() {
    return Files.isRegularFile(stateFile());
  }

  /** The state of the current checkpoint. */
  public TrainState state() throws IOException {
    if (!hasCheckpoint()) {
      throw FlowmatchException.invalidArgument(
          dir + " has no checkpoint yet (no " + CheckpointStore.CURRENT + "/" + STATE + ")");
    }
    return TrainState.fromJson(Files.readString(stateFile(), StandardCharsets.UTF_8));
  }

  /** The EMA weights in a fresh float32 block (what sampling and export use). */
  public Block loadEmaBlock(NDManager manager) throws IOException {
    return loadBlock(manager, emaParams());
  }

  /** The raw (non-averaged) float32 weights in a fresh block. */
  public Block loadModelBlock(NDManager manager) throws IOException {
    return loadBlock(manager, modelParams());
  }

  /**
   * Builds the config's architecture and loads parameters saved by {@link Block#saveParameters}.
   */
  public Block loadBlock(NDManager manager, Path params) throws IOException {
    if (!Files.isRegularFile(params)) {
      throw FlowmatchException.invalidArgument(
          dir + " has no checkpoint yet (no " + dir.relativize(params) + ")");
    }
    Block block = Architectures.newBlock(config.model(), config.sampleShape());
    block.initialize(manager, DataType.FLOAT32, FlowModels.inputShapes(1, config.sampleShape()));
    loadInto(block, manager, params);
    return block;
  }

  static void loadInto(Block block, NDManager manager, Path params) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(params), 1 << 16);
        DataInputStream data = new DataInputStream(in)) {
      block.loadParameters(manager, data);
    } catch (MalformedModelException e) {
      throw new IOException(params + " does not match the run's model: " + e.getMessage(), e);
    } catch (java.io.EOFException e) {
      throw new IOException(
          params + " is truncated (expected the parameters of the run's model)", e);
    } catch (ai.djl.engine.EngineException | IllegalArgumentException | IllegalStateException e) {
      throw new IOException(params + " is corrupt (expected the parameters of the run's model)", e);
    }
  }
}
