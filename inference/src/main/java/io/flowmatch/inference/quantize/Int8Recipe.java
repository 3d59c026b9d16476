package io.flowmatch.inference.quantize;

import io.flowmatch.inference.error.FlowmatchException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@link Int8Quantizer} does: the graph form of the quantised layers and which layer roles
 * stay float32. Weights are always int8, symmetric, one scale per output channel; activations uint8
 * with a scale and zero point computed per call from the tensor's own range.
 *
 * @param form the ops written for each quantised layer
 * @param keepFp32 layer roles left in float32
 */
public record Int8Recipe(QuantForm form, Set<LayerRole> keepFp32) {
  /**
   * The default, chosen by measurement (BENCHMARKS.md, "int8"): standard ONNX ops, with the time
   * conditioning layers (cheap: one row per sample, and they set every block's scale and shift) and
   * the first and last layers kept float32.
   */
  public static Int8Recipe defaults() {
    return new Int8Recipe(
        QuantForm.MATMUL_INTEGER, EnumSet.of(LayerRole.TIME, LayerRole.FIRST, LayerRole.LAST));
  }

  public Int8Recipe {
    keepFp32 = keepFp32.isEmpty() ? EnumSet.noneOf(LayerRole.class) : EnumSet.copyOf(keepFp32);
    if (keepFp32.contains(LayerRole.INNER)) {
      throw FlowmatchException.invalidArgument(
          "--keep-fp32 takes first, last, time or none; 'inner' would leave nothing to quantise");
    }
  }

  /** The same recipe with another form. */
  public Int8Recipe withForm(QuantForm f) {
    return new Int8Recipe(f, keepFp32);
  }

  /** Parses {@code first,last,time} or {@code none}. */
  public static Set<LayerRole> parseRoles(String text) {
    Set<LayerRole> roles = EnumSet.noneOf(LayerRole.class);
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("none")) {
      return roles;
    }
    for (String part : t.split(",", -1)) {
      LayerRole found = null;
      for (LayerRole r : LayerRole.values()) {
        if (r != LayerRole.INNER && r.label().equals(part.trim())) {
          found = r;
        }
      }
      if (found == null) {
        throw FlowmatchException.invalidArgument(
            "--keep-fp32 must be a comma-separated list of first, last, time, or none, got '"
                + text
                + "'");
      }
      roles.add(found);
    }
    return roles;
  }

  /** Text for the {@code flowmatch.quantization} metadata entry. */
  public String describe() {
    String kept =
        keepFp32.isEmpty()
            ? "none"
            : keepFp32.stream().map(LayerRole::label).collect(Collectors.joining(","));
    return "weights=int8 symmetric per output channel; activations=uint8 dynamic per call (per tensor);"
        + " form="
        + form.cliName()
        + "; fp32 layers="
        + kept
        + "; activation x activation MatMuls (attention) and convolutions stay fp32";
  }
}
