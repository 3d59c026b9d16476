package io.flowmatch.training.export.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;

/**
 * ONNX node patterns shared by the graph writers: DJL layers with their weights, activations, and
 * the float32 islands (normalisation statistics, softmax) that float16 models need.
 */
public final class GraphOps {
  private GraphOps() {}

  /** The values of a DJL array as float32, whatever its type. */
  public static float[] values(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) { // freed now, not with the block's manager
      return f.toFloatArray();
    }
  }

  /** The array of a named parameter of a block, with a clear error if it is missing. */
  public static NDArray parameter(Block block, String name) {
    for (var p : block.getParameters()) {
      if (p.getKey().equals(name)) {
        Parameter param = p.getValue();
        if (!param.isInitialized()) {
          throw new IllegalArgumentException("parameter " + name + " is not initialised");
        }
        return param.getArray();
      }
    }
    throw new IllegalArgumentException(
        "block " + block.getClass().getSimpleName() + " has no parameter " + name);
  }

  private static boolean hasParameter(Block block, String name) {
    for (var p : block.getParameters()) {
      if (p.getKey().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A DJL {@link Linear} applied to the last axis of {@code x} (any rank): MatMul with the
   * transposed weight, then Add of the bias. ONNX Runtime fuses the pair into one Gemm when {@code
   * x} is 2-D (see {@link #linearOverTokens}); float16 graphs must avoid that (see {@link
   * #linearOnRows}).
   */
  public static String linear(
      OnnxGraphBuilder g, String x, Linear layer, int elemType, String name) {
    long out = parameter(layer, "weight").getShape().get(0);
    return linearSlice(g, x, layer, 0, (int) out, 1f, elemType, name);
  }

  /**
   * Output units [{@code from}, {@code to}) of a DJL {@link Linear}, with their weights and bias
   * multiplied by {@code factor}: one slice of a fused projection (e.g. q, k or v of a qkv layer),
   * with a constant factor (e.g. attention's 1/√d) folded into the weights instead of a Mul node.
   */
  public static String linearSlice(
      OnnxGraphBuilder g,
      String x,
      Linear layer,
      int from,
      int to,
      float factor,
      int elemType,
      String name) {
    NDArray w = parameter(layer, "weight");
    Shape s = w.getShape(); // DJL keeps [out, in]
    int outAll = (int) s.get(0);
    int in = (int) s.get(1);
    if (from < 0 || to > outAll || from >= to) {
      throw new IllegalArgumentException(
          name + ": output units [" + from + ", " + to + ") outside [0, " + outAll + ")");
    }
    int out = to - from;
    float[] src = values(w);
    float[] wt = new float[in * out];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        wt[i * out + o] = src[(from + o) * in + i] * factor;
      }
    }
    String wName = g.weights(name + ".weight", elemType, wt, in, out);
    String y = g.node("MatMul", new String[] {x, wName});
    if (hasParameter(layer, "bias")) {
      float[] bias = java.util.Arrays.copyOfRange(values(parameter(layer, "bias")), from, to);
      for (int o = 0; o < out; o++) {
        bias[o] *= factor;
      }
      String b = g.weights(name + ".bias", elemType, bias, out);
      y = g.node("Add", new String[] {y, b});
    }
    return y;
  }

  /**
   * A Linear over the last axis of token activations [N, tokens, in], computed on the 2-D view
   * [N·tokens, in] and reshaped back to [N, tokens, out]. ONNX Runtime fuses 2-D MatMul + Add into
   * one Gemm (the bias is added inside the GEMM); on 3-D inputs it keeps a separate Add, which in
   * the DiT cost an extra pass over every projection's output. Reshape does not copy.
   */
  public static String linearOverTokens(
      OnnxGraphBuilder g, String x, Linear layer, int tokens, int elemType, String name) {
    long out = parameter(layer, "weight").getShape().get(0);
    return linearSliceOverTokens(g, x, layer, 0, (int) out, 1f, tokens, elemType, name);
  }

  /**
   * {@link #linearSlice} over token activations, as {@link #linearOverTokens}. Float16 graphs keep
   * the 3-D MatMul + Add (see {@link #linearOnRows}).
   */
  public static String linearSliceOverTokens(
      OnnxGraphBuilder g,
      String x,
      Linear layer,
      int from,
      int to,
      float factor,
      int tokens,
      int elemType,
      String name) {
    if (elemType != OnnxGraphBuilder.FLOAT) {
      return linearSlice(g, x, layer, from, to, factor, elemType, name);
    }
    long in = parameter(layer, "weight").getShape().get(1);
    String flat = reshape(g, x, -1, in);
    String y = linearSlice(g, flat, layer, from, to, factor, elemType, name);
    return reshape(g, y, -1, tokens, to - from);
  }

  /**
   * {@link #linear} for rows x [N, in]. Float16 graphs lift x to [1, N, in] around the layer: ONNX
   * Runtime fuses a 2-D MatMul + Add into Gemm, and its CPU float16 Gemm ran 40–250× slower than
   * the float16 MatMul path here, and less accurately (the DiT's conditioning layers alone were 58
   * % of its float16 time). A network made only of such layers (the MLP) lifts its input once
   * instead: a lift around every layer made it 2–3× slower.
   */
  public static String linearOnRows(
      OnnxGraphBuilder g, String x, Linear layer, int elemType, String name) {
    if (elemType == OnnxGraphBuilder.FLOAT) {
      return linear(g, x, layer, elemType, name);
    }
    String axis0 = g.longs(g.fresh(name + ".axis0"), new long[] {0}, 1);
    String lifted = g.node("Unsqueeze", new String[] {x, axis0});
    return g.node("Squeeze", new String[] {linear(g, lifted, layer, elemType, name), axis0});
  }

  /** SiLU: x·sigmoid(x); ONNX Runtime fuses the pair into one kernel. */
  public static String silu(OnnxGraphBuilder g, String x) {
    String s = g.node("Sigmoid", new String[] {x});
    return g.node("Mul", new String[] {x, s});
  }

  /**
   * Exact (erf) GELU, as DJL's {@code Activation.gelu}: x·(1 + erf(x/√2))·0.5, in the node order
   * ONNX Runtime's GeluFusion recognises (Div, Erf, Add, Mul, Mul), so it becomes one Gelu kernel.
   */
  public static String gelu(OnnxGraphBuilder g, String x, int elemType) {
    String sqrt2 = g.scalar(g.fresh("gelu.sqrt2"), elemType, (float) Math.sqrt(2));
    String one = g.scalar(g.fresh("gelu.one"), elemType, 1f);
    String half = g.scalar(g.fresh("gelu.half"), elemType, 0.5f);
    String e = g.node("Erf", new String[] {g.node("Div", new String[] {x, sqrt2})});
    String p = g.node("Add", new String[] {e, one});
    return g.node("Mul", new String[] {g.node("Mul", new String[] {x, p}), half});
  }

  /** Casts to {@code to} unless the tensor already has that type ({@code from}). */
  public static String cast(OnnxGraphBuilder g, String x, int from, int to) {
    if (from == to) {
      return x;
    }
    return g.node("Cast", new String[] {x}, OnnxGraphBuilder.attr("to", (long) to));
  }

  /**
   * LayerNorm over the last axis without learned scale/shift (adaLN supplies them), computed in
   * float32 whatever {@code elemType} is, then cast back: float16 variances of activations in the
   * hundreds lose most of their digits.
   *
   * <p>Written as InstanceNormalization of the [rows, 1, dim] view (unit scale, zero bias: the same
   * arithmetic) rather than the ONNX LayerNormalization op. ONNX Runtime 1.29's CPU
   * LayerNormalization kernel took 6.0 ms on a [12544, 96] tensor where InstanceNormalization took
   * 0.8 ms and a ReduceMean/Sub/Mul/ReduceMean/Sqrt/Div decomposition 1.0 ms (1 thread, measured);
   * it had been 19% of the DiT's time.
   */
  public static String layerNormNoAffine(
      OnnxGraphBuilder g, String x, int dim, float eps, int elemType) {
    String x32 = cast(g, x, elemType, OnnxGraphBuilder.FLOAT);
    String rows = reshape(g, x32, -1, 1, dim);
    String normed =
        g.node(
            "InstanceNormalization",
            new String[] {
              rows,
              g.floats(g.fresh("ln.one"), new float[] {1f}, 1),
              g.floats(g.fresh("ln.zero"), new float[] {0f}, 1)
            },
            OnnxGraphBuilder.attr("epsilon", eps));
    String y = g.node("Reshape", new String[] {normed, g.node("Shape", new String[] {x32})});
    return cast(g, y, OnnxGraphBuilder.FLOAT, elemType);
  }

  /** Softmax over the last axis in float32, cast back to {@code elemType}. */
  public static String softmax(OnnxGraphBuilder g, String x, int elemType) {
    String x32 = cast(g, x, elemType, OnnxGraphBuilder.FLOAT);
    String y = g.node("Softmax", new String[] {x32}, OnnxGraphBuilder.attr("axis", -1L));
    return cast(g, y, OnnxGraphBuilder.FLOAT, elemType);
  }

  /** Reshape to a constant shape (0 copies the input's dimension, −1 is inferred). */
  public static String reshape(OnnxGraphBuilder g, String x, long... shape) {
    String s = g.longs(g.fresh("shape"), shape, shape.length);
    return g.node("Reshape", new String[] {x, s});
  }

  /** Transpose with the given permutation. */
  public static String transpose(OnnxGraphBuilder g, String x, long... perm) {
    return g.node("Transpose", new String[] {x}, OnnxGraphBuilder.attrInts("perm", perm));
  }
}
