package io.flowmatch.training.export;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ExportResult;
import io.flowmatch.training.path.Paths;
import io.flowmatch.training.train.RunFolder;
import io.flowmatch.training.train.TrainConfig;
import io.flowmatch.training.train.TrainState;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Exports the weights of a training run folder, with the run's facts as model metadata. */
public final class RunExport {
  private RunExport() {}

  /** Decay of the EMA the weights come from (not in {@link ModelMetadata}: flowmatch-specific). */
  public static final String EMA_DECAY = ModelCard.EMA_DECAY;

  /**
   * Exports one precision of a run.
   *
   * @param run the run folder
   * @param precision number format
   * @param out the file to write
   * @param ema true for the EMA weights (what sampling should use), false for the raw weights
   * @throws IllegalArgumentException the run has no checkpoint, or its model cannot be exported
   * @throws io.flowmatch.inference.error.FlowmatchException the parity check failed or the file
   *     cannot be written
   * @throws IOException the weights cannot be read
   */
  public static ExportResult export(RunFolder run, ExportPrecision precision, Path out, boolean ema)
      throws IOException {
    return export(run, precision, out, ema, null);
  }

  /** As {@link #export(RunFolder, ExportPrecision, Path, boolean)} at {@code opset} (null: 17). */
  public static ExportResult export(
      RunFolder run, ExportPrecision precision, Path out, boolean ema, Integer opset)
      throws IOException {
    return exportEach(run, List.of(precision), List.of(out), ema, opset).get(0);
  }

  /**
   * Exports the EMA weights of a finished run as {@code model-fp32.onnx} and {@code
   * model-fp16.onnx} in the run folder; what {@code train} calls when it finishes.
   */
  public static List<ExportResult> exportAll(RunFolder run) throws IOException {
    List<ExportPrecision> ps = List.of(ExportPrecision.FP32, ExportPrecision.FP16);
    List<Path> outs = new ArrayList<>();
    for (ExportPrecision p : ps) {
      outs.add(run.dir().resolve(OnnxExporter.defaultFileName(p)));
    }
    return exportEach(run, ps, outs, true, null);
  }

  private static List<ExportResult> exportEach(
      RunFolder run, List<ExportPrecision> precisions, List<Path> outs, boolean ema, Integer opset)
      throws IOException {
    TrainConfig c = run.config();
    Map<String, String> meta = metadata(c, run.state(), ema);
    List<ExportResult> results = new ArrayList<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = ema ? run.loadEmaBlock(manager) : run.loadModelBlock(manager);
      for (int i = 0; i < precisions.size(); i++) {
        results.add(
            OnnxExporter.export(
                block, c.model(), c.sampleShape(), meta, precisions.get(i), outs.get(i), opset));
      }
    }
    return results;
  }

  /** The {@code flowmatch.*} entries a run knows: data, path, training steps and precision, EMA. */
  public static Map<String, String> metadata(TrainConfig c, TrainState state, boolean ema) {
    ModelCard.Builder card =
        ModelCard.builder()
            .dataset(c.dataset())
            .path(c.path(), c.pathParams())
            .steps(state.step())
            .trainingPrecision(c.precision())
            .ema(ema, ema ? c.emaDecay() : null);
    if (c.dataRange() != null && c.dataRange().length > 0) {
      card.dataRange(c.dataRange()[0], c.dataRange()[1]);
    }
    // σ_min as given, else the path's default (0 for condot; paths without one have none)
    Map<String, Double> params = Paths.defaults(c.path());
    params.putAll(c.pathParams());
    Double sigmaMin = params.get("sigma_min");
    if (sigmaMin != null) {
      card.sigmaMin(sigmaMin);
    }
    return card.build().toProps();
  }

  /** Shortest plain decimal: 1.0 → "1", 0.999 → "0.999", 1e-4 → "0.0001". */
  static String number(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return Double.toString(v);
    }
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }
}
