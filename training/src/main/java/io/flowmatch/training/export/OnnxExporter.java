package io.flowmatch.training.export;

import ai.djl.nn.Block;
import ai.onnx.proto.OnnxMl;
import io.flowmatch.inference.compare.Provenance;
import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.onnx.OpsetRewrite;
import io.flowmatch.inference.quantize.Int8Quantizer;
import io.flowmatch.inference.quantize.Int8Recipe;
import io.flowmatch.training.arch.Architectures;
import io.flowmatch.training.export.onnx.ExportPrecision;
import io.flowmatch.training.export.onnx.ExportResult;
import io.flowmatch.training.export.onnx.ParityCheck;
import io.flowmatch.training.model.Architecture;
import io.flowmatch.training.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a trained DJL velocity network as an ONNX model (built in opset-21 forms, declared at the
 * lowest portable opset the graph allows, 17 for the MLP, DiT and classifier) that follows the
 * public contract: inputs {@code x} [N, ...sampleShape] and {@code t} float32 [N], output {@code v}
 * like {@code x}, with a symbolic batch dimension {@code N} and {@code flowmatch.*} metadata.
 *
 * <p>The graph of each architecture comes from its {@link Architecture#graphWriter()}, found by
 * {@link ModelSpec#type()} in {@link Architectures}. Before anything is written, {@link
 * ParityCheck} runs the model in ONNX Runtime against the DJL forward; a model outside the bound is
 * refused with the error found, and the file is written atomically, so a failed export never leaves
 * a file behind.
 */
public final class OnnxExporter {
  private OnnxExporter() {}

  /** Architectures that can be exported. */
  public static List<String> supportedTypes() {
    return Architectures.names();
  }

  /**
   * Exports, checks parity and writes the model.
   *
   * @param block the trained block with float32 weights (the EMA weights for a shipped model)
   * @param spec the architecture the block was built from; {@code spec.type()} picks the writer
   * @param sampleShape one sample's shape, e.g. {1, 28, 28} or {2}
   * @param metadata extra {@code flowmatch.*} entries (dataset, steps, path, EMA, data range …);
   *     data shape, architecture, precision, date and revision are filled in here
   * @param precision number format of the file
   * @param out the .onnx file to write (its folder is created)
   * @return the path, size and the parity figures
   * @throws FlowmatchException for a block type without a writer, or a block that does not match
   *     its spec
   * @throws FlowmatchException if the parity check fails or the file cannot be written
   */
  public static ExportResult export(
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision,
      Path out) {
    return export(architecture(spec), block, spec, sampleShape, metadata, precision, out);
  }

  /**
   * As {@link #export(Block, ModelSpec, int[], Map, ExportPrecision, Path)} for an architecture
   * given explicitly (one that is not registered in {@link Architectures}, e.g. a user's own).
   */
  public static <S extends ModelSpec> ExportResult export(
      Architecture<S> architecture,
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision,
      Path out) {
    return export(architecture, block, spec, sampleShape, metadata, precision, out, null);
  }

  /**
   * As {@link #export(Architecture, Block, ModelSpec, int[], Map, ExportPrecision, Path)}, declared
   * at {@code opset} (null: {@link OpsetRewrite#portableOpset}, the portable opset 17 unless the
   * graph needs more). The parity check runs on the rewritten graph: what is written is what was
   * checked. int8 quantises the rewritten float32 graph, so it declares the same opset.
   *
   * @throws FlowmatchException (invalid argument) for an opset the graph cannot be written in
   */
  public static <S extends ModelSpec> ExportResult export(
      Architecture<S> architecture,
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision,
      Path out,
      Integer opset) {
    byte[] model =
        build(architecture, block, spec, sampleShape, metadata, precision, m -> atOpset(m, opset));
    ParityCheck.Result parity = ParityCheck.run(block, model, sampleShape, precision);
    if (!parity.passed()) {
      throw new FlowmatchException(
          ErrorKind.NUMERIC,
          "refusing to write " + out + ": " + parity.describe() + " exceeds the limit");
    }
    try {
      OnnxGraphBuilder.writeAtomically(out, model);
    } catch (IOException e) {
      throw FlowmatchException.io("cannot write " + out + ": " + describe(e), e);
    }
    return new ExportResult(out, precision, model.length, parity, declaredOpset(model));
  }

  /** As {@link #export(Block, ModelSpec, int[], Map, ExportPrecision, Path)} at {@code opset}. */
  public static ExportResult export(
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision,
      Path out,
      Integer opset) {
    return export(architecture(spec), block, spec, sampleShape, metadata, precision, out, opset);
  }

  /**
   * {@code model} re-declared at {@code opset} (null: the portable default) with no unused opset
   * imports; one line naming the range when the graph cannot be written in that opset.
   */
  static byte[] atOpset(byte[] model, Integer opset) {
    OnnxMl.ModelProto proto;
    try {
      proto = OnnxMl.ModelProto.parseFrom(model);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the exporter wrote an unreadable model", e);
    }
    int need = OpsetRewrite.lowestOpset(proto);
    int target = opset == null ? OpsetRewrite.portableOpset(proto) : opset;
    if (target < need || target > OnnxGraphBuilder.DEFAULT_OPSET) {
      throw FlowmatchException.invalidArgument(
          "--opset "
              + target
              + " cannot hold this graph: it needs opset "
              + need
              + (need == OnnxGraphBuilder.DEFAULT_OPSET
                  ? ""
                  : " to " + OnnxGraphBuilder.DEFAULT_OPSET)
              + " (the exporter writes opset "
              + OnnxGraphBuilder.DEFAULT_OPSET
              + " forms)");
    }
    return OpsetRewrite.rewrite(proto, target).toByteArray();
  }

  private static int declaredOpset(byte[] model) {
    try {
      return OpsetRewrite.declared(OnnxMl.ModelProto.parseFrom(model));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("the exporter wrote an unreadable model", e);
    }
  }

  /**
   * Exports float32 and float16 (float32 inputs) models into {@code dir} as {@code model-fp32.onnx}
   * and {@code model-fp16.onnx}; what {@code train} calls when it finishes.
   */
  public static List<ExportResult> exportAll(
      Block block, ModelSpec spec, int[] sampleShape, Map<String, String> metadata, Path dir) {
    List<ExportResult> results = new ArrayList<>();
    for (ExportPrecision p : List.of(ExportPrecision.FP32, ExportPrecision.FP16)) {
      results.add(export(block, spec, sampleShape, metadata, p, dir.resolve(defaultFileName(p))));
    }
    return results;
  }

  /** {@code model-fp32.onnx}, {@code model-fp16.onnx}, {@code model-fp16-io.onnx}. */
  public static String defaultFileName(ExportPrecision precision) {
    return "model-" + precision.cliName() + ".onnx";
  }

  /**
   * Builds the serialised model without checking or writing it; int8 is the float32 graph quantised
   * by {@link Int8Quantizer} with the default recipe.
   */
  public static byte[] build(
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision) {
    return build(architecture(spec), block, spec, sampleShape, metadata, precision);
  }

  /** The registered architecture of {@code spec}, or a one-line error naming the known ones. */
  private static Architecture<?> architecture(ModelSpec spec) {
    try {
      return Architectures.of(spec.type());
    } catch (FlowmatchException e) {
      throw FlowmatchException.invalidArgument(
          "cannot export block type '"
              + spec.type()
              + "', the exporter knows "
              + String.join(", ", supportedTypes()));
    }
  }

  /** As {@link #build(Block, ModelSpec, int[], Map, ExportPrecision)} with its architecture. */
  public static <S extends ModelSpec> byte[] build(
      Architecture<S> arch,
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision) {
    return build(arch, block, spec, sampleShape, metadata, precision, m -> m);
  }

  /**
   * The one build path of {@link #build} and {@link #export}: the graph at {@code precision}, then
   * {@code rewrite} (export's opset rewrite); int8 quantises the rewritten float32 graph, so it
   * declares the same opset.
   */
  private static <S extends ModelSpec> byte[] build(
      Architecture<S> arch,
      Block block,
      ModelSpec spec,
      int[] sampleShape,
      Map<String, String> metadata,
      ExportPrecision precision,
      java.util.function.UnaryOperator<byte[]> rewrite) {
    if (precision == ExportPrecision.INT8) {
      byte[] fp32 = build(arch, block, spec, sampleShape, metadata, ExportPrecision.FP32, rewrite);
      return Int8Quantizer.quantize(fp32, Int8Recipe.defaults()).model();
    }
    if (sampleShape.length == 0 || Arrays.stream(sampleShape).anyMatch(d -> d <= 0)) {
      throw FlowmatchException.invalidArgument(
          "sample shape must be positive dimensions, got " + Arrays.toString(sampleShape));
    }
    long[] ioShape = new long[sampleShape.length + 1];
    ioShape[0] = -1; // symbolic batch dimension N
    for (int i = 0; i < sampleShape.length; i++) {
      ioShape[i + 1] = sampleShape[i];
    }

    OnnxGraphBuilder g = new OnnxGraphBuilder("flowmatch_" + spec.type());
    g.input(ModelMetadata.INPUT_X, precision.ioType(), ioShape);
    g.input(ModelMetadata.INPUT_T, OnnxGraphBuilder.FLOAT, -1);
    g.output(ModelMetadata.OUTPUT_V, precision.ioType(), ioShape);

    String x = ModelMetadata.INPUT_X;
    if (precision.ioType() != precision.weightType()) {
      x =
          g.node(
              "Cast", new String[] {x}, OnnxGraphBuilder.attr("to", (long) precision.weightType()));
    }
    String v =
        arch.graphWriter()
            .add(
                g,
                block,
                arch.cast(spec),
                sampleShape.clone(),
                x,
                ModelMetadata.INPUT_T,
                precision.weightType());
    if (precision.ioType() != precision.weightType()) {
      g.nodeNamed(
          "Cast",
          ModelMetadata.OUTPUT_V,
          new String[] {v},
          OnnxGraphBuilder.attr("to", (long) precision.ioType()));
    } else {
      g.nodeNamed("Identity", ModelMetadata.OUTPUT_V, new String[] {v});
    }

    ModelCard given = ModelCard.fromProps(metadata);
    ModelCard card =
        given.toBuilder()
            .dataShape(sampleShape)
            .architecture(spec.type())
            .precision(precision.metadataValue())
            .date(
                given.date() != null
                    ? given.date()
                    : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
            .revision(given.revision() != null ? given.revision() : Provenance.currentRevision())
            .build();
    Map<String, String> meta = new TreeMap<>(card.toProps());
    meta.putIfAbsent(ModelMetadata.TIME_CONVENTION, ModelMetadata.TIME_CONVENTION_VALUE);
    meta.forEach(g::metadata);
    return rewrite.apply(g.toBytes());
  }

  private static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      return f.getFile() + " exists and is not a folder"; // from creating the parent folders
    }
    if (e instanceof java.nio.file.NotDirectoryException f) {
      return f.getFile() + " is not a folder";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
      return fse.getReason().toLowerCase();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
