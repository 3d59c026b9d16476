package io.flowmatch.training.export.onnx;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.quantize.Int8Quantizer;
import io.flowmatch.inference.quantize.Int8Recipe;
import io.flowmatch.inference.quantize.QuantParity;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Number formats of an exported model: the type of its weights and of its public inputs/outputs.
 *
 * <p>{@code t} is always float32 (the contract); the time embedding is computed in float32 in every
 * variant.
 */
public enum ExportPrecision {
  /** float32 weights, float32 {@code x} and {@code v}. */
  FP32("fp32", OnnxGraphBuilder.FLOAT, OnnxGraphBuilder.FLOAT, 1e-4),
  /** float16 weights and activations, float32 {@code x} and {@code v} (Casts at the edges). */
  FP16("fp16", OnnxGraphBuilder.FLOAT16, OnnxGraphBuilder.FLOAT, 1e-2),
  /** float16 weights and float16 {@code x} and {@code v}: no Casts at the edges (GPU pipelines). */
  FP16_IO("fp16-io", OnnxGraphBuilder.FLOAT16, OnnxGraphBuilder.FLOAT16, 1e-2),
  /**
   * The float32 graph quantised by {@link Int8Quantizer} with {@link Int8Recipe#defaults()}: int8
   * weights per output channel, activations quantised per call; float32 {@code x} and {@code v}.
   */
  INT8("int8", OnnxGraphBuilder.FLOAT, OnnxGraphBuilder.FLOAT, QuantParity.BOUND);

  private final String cliName;
  private final int weightType;
  private final int ioType;
  private final double tolerance;

  ExportPrecision(String cliName, int weightType, int ioType, double tolerance) {
    this.cliName = cliName;
    this.weightType = weightType;
    this.ioType = ioType;
    this.tolerance = tolerance;
  }

  /**
   * The name used on the command line and in file names: {@code fp32}, {@code fp16}, {@code
   * fp16-io}.
   */
  public String cliName() {
    return cliName;
  }

  /** ONNX element type of weights and of the activations between the edge Casts. */
  public int weightType() {
    return weightType;
  }

  /** ONNX element type of the inputs {@code x} and the output {@code v}. */
  public int ioType() {
    return ioType;
  }

  /**
   * Value for {@code flowmatch.precision}: the weight precision, {@code fp32}, {@code fp16} or
   * {@code int8}.
   */
  public String metadataValue() {
    if (this == INT8) {
      return Int8Quantizer.PRECISION_INT8;
    }
    return weightType == OnnxGraphBuilder.FLOAT ? "fp32" : "fp16";
  }

  /**
   * Largest accepted parity error, relative to max|v| of the DJL float32 forward: 1e-4 for fp32,
   * 1e-2 for the float16 variants (half has 11 significant bits, ~5e-4 per rounding), {@link
   * QuantParity#BOUND} (5e-2) for int8.
   */
  public double tolerance() {
    return tolerance;
  }

  /** Parses a command-line name; the message lists the valid ones. */
  public static ExportPrecision parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (ExportPrecision p : values()) {
      if (p.cliName.equals(n)) {
        return p;
      }
    }
    throw FlowmatchException.invalidArgument(
        "unknown precision '" + name + "', expected one of " + names());
  }

  /** Valid names, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(ExportPrecision::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
