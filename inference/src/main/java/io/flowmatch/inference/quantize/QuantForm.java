package io.flowmatch.inference.quantize;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a quantised weight layer is written in the graph. All three compute the same thing: the
 * activation quantised to uint8 per call (per tensor, asymmetric, {@code DynamicQuantizeLinear}'s
 * rule), times int8 weights with one scale per output channel, accumulated in int32 and scaled back
 * to float32. They differ in which ONNX Runtime kernels end up running it.
 */
public enum QuantForm {
  /**
   * Standard ONNX ops: {@code DynamicQuantizeLinear → MatMulInteger → Cast → Mul(a_scale ·
   * w_scale)}; the pattern ONNX Runtime's own Python quantiser writes, which its optimiser fuses.
   */
  MATMUL_INTEGER("matmul-integer"),
  /** One contrib op per layer: {@code com.microsoft:DynamicQuantizeMatMul} (bias inside). */
  DYNAMIC_QUANTIZE_MATMUL("dq-matmul"),
  /**
   * QDQ pairs: {@code DynamicQuantizeLinear → DequantizeLinear} on the activation, {@code
   * DequantizeLinear(axis=1)} on the int8 weight, then the float MatMul; ONNX Runtime's QDQ
   * transformer may replace the group by an integer kernel.
   */
  QDQ("qdq");

  private final String cliName;

  QuantForm(String cliName) {
    this.cliName = cliName;
  }

  /** The name on the command line and in the recipe metadata. */
  public String cliName() {
    return cliName;
  }

  /** Parses a command-line name; the message lists the valid ones. */
  public static QuantForm parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (QuantForm f : values()) {
      if (f.cliName.equals(n)) {
        return f;
      }
    }
    throw FlowmatchException.invalidArgument(
        "--form: unknown quantisation form '" + name + "', expected one of " + names());
  }

  /** Valid names, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(QuantForm::cliName).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return cliName;
  }
}
