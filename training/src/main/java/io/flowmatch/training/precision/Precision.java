package io.flowmatch.training.precision;

import ai.djl.ndarray.types.DataType;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.List;

/** Training precision: the type of the working copy the forward and backward passes run in. */
public enum Precision {
  /** Everything in float32. */
  FP32("fp32", DataType.FLOAT32),
  /**
   * Mixed where it pays: a float16 working copy (float32 master weights and optimizer state, loss
   * scaling) when {@link HalfPrecisionPolicy} measures that float16 is faster on the device for the
   * model's op classes, float32 otherwise.
   */
  FP16("fp16", DataType.FLOAT16),
  /** Mixed as {@link #FP16}, but always, whatever float16 costs on the device. */
  FP16_ALWAYS("fp16-always", DataType.FLOAT16);

  private final String label;
  private final DataType workingType;

  Precision(String label, DataType workingType) {
    this.label = label;
    this.workingType = workingType;
  }

  public String label() {
    return label;
  }

  /** True for the precisions that train a float16 working copy with loss scaling. */
  public boolean half() {
    return workingType == DataType.FLOAT16;
  }

  public DataType workingType() {
    return workingType;
  }

  /** Valid names on the command line. bf16 is absent: DJL 0.36 aborts the JVM on bfloat16. */
  public static List<String> names() {
    return List.of("fp32", "fp16", "fp16-always");
  }

  public static Precision parse(String s) {
    for (Precision p : values()) {
      if (p.label.equals(s)) {
        return p;
      }
    }
    String hint =
        "bf16".equals(s) ? " (bf16 is not supported: DJL 0.36 aborts the JVM on bfloat16)" : "";
    throw FlowmatchException.invalidArgument(
        "unknown precision '" + s + "', expected one of " + String.join(", ", names()) + hint);
  }
}
