package io.flowmatch.inference.field;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.Arrays;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Checks a model against the flowmatch contract (inputs {@code x} [N, ...sample shape] float32 or
 * float16 and {@code t} [N] float32, output {@code v} with the type and shape of {@code x}) and
 * resolves the sample shape from the metadata, the graph's static dimensions and the caller's
 * option.
 *
 * <p>A model that breaks the contract is a {@link FlowmatchException} of kind {@code BAD_MODEL}
 * (the file is wrong); a sample shape option that does not fit the model is {@code
 * INVALID_ARGUMENT} (the command is wrong).
 */
final class ModelContract {
  static final String X = ModelMetadata.INPUT_X;
  static final String T = ModelMetadata.INPUT_T;
  static final String V = ModelMetadata.OUTPUT_V;

  /** Element type of {@code x} and {@code v}: FLOAT or FLOAT16. */
  final OnnxJavaType dataType;

  /** Shape of one sample. */
  final int[] sampleShape;

  /** The graph's fixed batch size, or -1 when the batch dimension is dynamic. */
  final long staticBatch;

  private ModelContract(OnnxJavaType dataType, int[] sampleShape, long staticBatch) {
    this.dataType = dataType;
    this.sampleShape = sampleShape;
    this.staticBatch = staticBatch;
  }

  static ModelContract check(
      String model,
      Map<String, NodeInfo> inputs,
      Map<String, NodeInfo> outputs,
      Map<String, String> metadata,
      int[] requestedShape) {
    String where = "model " + model;
    if (!inputs.containsKey(X) || !inputs.containsKey(T)) {
      String missing = !inputs.containsKey(X) ? X : T;
      throw FlowmatchException.badModel(
          where
              + " has no input '"
              + missing
              + "' (its inputs: "
              + String.join(", ", inputs.keySet())
              + "); expected inputs x [N, ...sample shape] and t [N]");
    }
    for (String name : inputs.keySet()) {
      if (!name.equals(X) && !name.equals(T)) {
        throw FlowmatchException.badModel(
            where + " has an unexpected input '" + name + "'; expected only inputs x and t");
      }
    }
    if (!outputs.containsKey(V)) {
      throw FlowmatchException.badModel(
          where
              + " has no output 'v' (its outputs: "
              + String.join(", ", outputs.keySet())
              + "); expected output v with the shape and type of x");
    }
    TensorInfo x = tensor(where, "input", X, inputs.get(X));
    TensorInfo t = tensor(where, "input", T, inputs.get(T));
    TensorInfo v = tensor(where, "output", V, outputs.get(V));

    OnnxJavaType type = x.type;
    if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.FLOAT16) {
      throw FlowmatchException.badModel(
          where + ": input x must be float32 or float16, got " + typeName(x));
    }
    if (t.type != OnnxJavaType.FLOAT) {
      throw FlowmatchException.badModel(where + ": input t must be float32, got " + typeName(t));
    }
    if (v.type != type) {
      throw FlowmatchException.badModel(
          where + ": output v must have the type of x (" + typeName(x) + "), got " + typeName(v));
    }
    long[] xs = x.getShape();
    long[] ts = t.getShape();
    long[] vs = v.getShape();
    if (xs.length < 2) {
      throw FlowmatchException.badModel(
          where
              + ": input x must have rank >= 2 ([N, ...sample shape]), got rank "
              + xs.length
              + " "
              + format(x));
    }
    if (ts.length != 1) {
      throw FlowmatchException.badModel(
          where + ": input t must have shape [N], got rank " + ts.length + " " + format(t));
    }
    if (vs.length != xs.length) {
      throw FlowmatchException.badModel(
          where
              + ": output v "
              + format(v)
              + " must have the shape of input x "
              + format(x)
              + ", got rank "
              + vs.length
              + " instead of "
              + xs.length);
    }
    long batch = xs[0];
    for (long b : new long[] {ts[0], vs[0]}) {
      if (b >= 0 && batch >= 0 && b != batch) {
        throw FlowmatchException.badModel(
            where
                + ": inputs x "
                + format(x)
                + ", t "
                + format(t)
                + " and output v "
                + format(v)
                + " must share the batch dimension");
      }
      if (batch < 0) {
        batch = b;
      }
    }
    for (int i = 1; i < xs.length; i++) {
      if (xs[i] >= 0 && vs[i] >= 0 && xs[i] != vs[i]) {
        throw FlowmatchException.badModel(
            where + ": output v " + format(v) + " must have the shape of input x " + format(x));
      }
    }
    if (batch == 0) {
      throw FlowmatchException.badModel(where + ": input x " + format(x) + " has batch size 0");
    }

    // The sample shape: each source that is present must agree with the others.
    int rank = xs.length - 1;
    long[] graphDims = new long[rank];
    for (int i = 0; i < rank; i++) {
      graphDims[i] = xs[i + 1] >= 0 ? xs[i + 1] : vs[i + 1];
    }
    int[] fromMetadata = null;
    String meta = metadata.get(ModelMetadata.DATA_SHAPE);
    if (meta != null) {
      fromMetadata = parseShape(meta);
      if (fromMetadata == null) {
        throw FlowmatchException.badModel(
            where
                + ": metadata "
                + ModelMetadata.DATA_SHAPE
                + " must be positive integers separated by commas, got '"
                + meta
                + "'");
      }
      if (!fits(fromMetadata, graphDims)) {
        throw FlowmatchException.badModel(
            where
                + ": metadata "
                + ModelMetadata.DATA_SHAPE
                + " "
                + meta
                + " disagrees with input x "
                + format(x));
      }
    }
    int[] shape;
    if (requestedShape != null) {
      for (int d : requestedShape) {
        if (d <= 0) {
          throw FlowmatchException.invalidArgument(
              "sample shape must be positive integers, got " + join(requestedShape));
        }
      }
      if (requestedShape.length != rank) {
        throw FlowmatchException.invalidArgument(
            "sample shape "
                + join(requestedShape)
                + " does not fit "
                + where
                + ": input x "
                + format(x)
                + " has "
                + rank
                + " sample dimension"
                + (rank == 1 ? "" : "s"));
      }
      if (fromMetadata != null && !Arrays.equals(fromMetadata, requestedShape)) {
        throw FlowmatchException.invalidArgument(
            "sample shape "
                + join(requestedShape)
                + " disagrees with "
                + where
                + ", whose "
                + ModelMetadata.DATA_SHAPE
                + " is "
                + join(fromMetadata));
      }
      if (!fits(requestedShape, graphDims)) {
        throw FlowmatchException.invalidArgument(
            "sample shape "
                + join(requestedShape)
                + " disagrees with "
                + where
                + ", whose input x is "
                + format(x));
      }
      shape = requestedShape.clone();
    } else if (fromMetadata != null) {
      shape = fromMetadata;
    } else {
      shape = new int[rank];
      for (int i = 0; i < rank; i++) {
        if (graphDims[i] < 0) {
          throw FlowmatchException.invalidArgument(
              where
                  + " has dynamic sample dimensions "
                  + format(x)
                  + " and no "
                  + ModelMetadata.DATA_SHAPE
                  + " metadata; give the sample shape (--shape)");
        }
        shape[i] = Math.toIntExact(graphDims[i]);
      }
    }
    return new ModelContract(type, shape, batch);
  }

  private static TensorInfo tensor(String where, String kind, String name, NodeInfo node) {
    ValueInfo info = node.getInfo();
    if (!(info instanceof TensorInfo)) {
      throw FlowmatchException.badModel(
          where + ": " + kind + " " + name + " must be a tensor, got " + info);
    }
    return (TensorInfo) info;
  }

  /** Whether {@code shape} matches every static dimension of {@code graphDims}. */
  private static boolean fits(int[] shape, long[] graphDims) {
    if (shape.length != graphDims.length) {
      return false;
    }
    for (int i = 0; i < shape.length; i++) {
      if (graphDims[i] >= 0 && graphDims[i] != shape[i]) {
        return false;
      }
    }
    return true;
  }

  /** Parses {@code "1,28,28"}; null when malformed or not positive. */
  static int[] parseShape(String text) {
    try {
      return ModelCard.parseShape(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static String join(int[] shape) {
    StringJoiner j = new StringJoiner(",");
    for (int d : shape) {
      j.add(Integer.toString(d));
    }
    return j.toString();
  }

  /** A tensor's shape with symbolic dimensions by name (or ?), e.g. {@code [N,1,28,28]}. */
  static String format(TensorInfo info) {
    long[] shape = info.getShape();
    String[] names = info.getDimensionNames();
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0) {
        j.add(Long.toString(shape[i]));
      } else {
        String name = names != null && i < names.length ? names[i] : "";
        j.add(name == null || name.isEmpty() ? "?" : name);
      }
    }
    return j.toString();
  }

  /**
   * The ONNX element type of a tensor by its NumPy-style name: float32, float16, float64, int64...
   */
  static String typeName(TensorInfo info) {
    String name = info.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase();
    switch (name) {
      case "float":
        return "float32";
      case "double":
        return "float64";
      default:
        return name;
    }
  }
}
