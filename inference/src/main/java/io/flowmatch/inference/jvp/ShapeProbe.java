package io.flowmatch.inference.jvp;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.io.Float16;
import io.flowmatch.inference.runtime.OrtRuntime;
import io.flowmatch.inference.runtime.OrtSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape and element type of every tensor of a model, found by running it once on a small probe
 * batch with every node output exposed as a graph output.
 *
 * <p>ONNX files rarely carry complete {@code value_info}, and Java has no ONNX shape inference; the
 * JVP transform needs ranks (to broadcast per-channel scales), element types (for constants in
 * float16 graphs) and whether a tangent already has its result's shape (an {@code Add} whose other
 * operand is larger must expand it). Shapes are taken at batch size 2, so a dimension that is 1
 * only in one operand is seen as broadcasting, whatever the batch size later is.
 */
final class ShapeProbe {
  /** Rows of the probe batch (2, so the batch axis never looks like a broadcast axis of size 1). */
  static final int PROBE_ROWS = 2;

  private ShapeProbe() {}

  /**
   * Runs {@code model} on a probe batch and returns the type of every graph input, initializer and
   * node output.
   *
   * @param sampleShape shape of one sample of {@code x}
   * @param rows the batch size to probe with (the model's fixed batch if it has one)
   */
  static Map<String, TensorType> run(ModelProto model, int[] sampleShape, int rows) {
    GraphProto graph = model.getGraph();
    Map<String, TensorType> types = new HashMap<>();
    for (TensorProto init : graph.getInitializerList()) {
      long[] dims = init.getDimsList().stream().mapToLong(Long::longValue).toArray();
      types.put(init.getName(), new TensorType(dims, init.getDataType()));
    }
    Set<String> outputs = new LinkedHashSet<>();
    for (NodeProto node : graph.getNodeList()) {
      for (String o : node.getOutputList()) {
        if (!o.isEmpty()) {
          outputs.add(o);
        }
      }
    }
    GraphProto.Builder exposed = graph.toBuilder().clearOutput();
    for (String o : outputs) {
      exposed.addOutput(ValueInfoProto.newBuilder().setName(o));
    }
    byte[] bytes = model.toBuilder().setGraph(exposed).build().toByteArray();

    int xType =
        graph.getInputList().stream()
            .filter(i -> i.getName().equals(ModelMetadata.INPUT_X))
            .findFirst()
            .map(i -> i.getType().getTensorType().getElemType())
            .orElse(TensorProto.DataType.FLOAT_VALUE);
    long[] xShape = new long[sampleShape.length + 1];
    xShape[0] = rows;
    int size = 1;
    for (int i = 0; i < sampleShape.length; i++) {
      xShape[i + 1] = sampleShape[i];
      size *= sampleShape[i];
    }
    OrtEnvironment env = OrtRuntime.environment();
    try (OrtSessions.Session opened =
        OrtSessions.open(
            bytes,
            OrtSessions.settings()
                .threads(1)
                .optimization(OrtSession.SessionOptions.OptLevel.NO_OPT))) {
      OrtSession session = opened.session();
      try (OnnxTensor x = probeX(env, xType, xShape, rows * size);
          OnnxTensor t = OnnxTensor.createTensor(env, probeT(rows), new long[] {rows});
          OrtSession.Result result =
              session.run(Map.of(ModelMetadata.INPUT_X, x, ModelMetadata.INPUT_T, t))) {
        types.put(ModelMetadata.INPUT_X, new TensorType(xShape, xType));
        types.put(
            ModelMetadata.INPUT_T,
            new TensorType(new long[] {rows}, TensorProto.DataType.FLOAT_VALUE));
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getValue().getInfo() instanceof TensorInfo info) {
            types.put(e.getKey(), new TensorType(info.getShape(), onnxType(info.onnxType)));
          }
        }
      }
    } catch (OrtException e) {
      throw FlowmatchException.badModel(
          "jvp: cannot run the model on a probe batch to find its tensor shapes: "
              + firstLine(e.getMessage()));
    }
    return types;
  }

  private static OnnxTensor probeX(OrtEnvironment env, int type, long[] shape, int count)
      throws OrtException {
    // small distinct values: no division by zero in a normalisation, no tie in a max
    List<Float> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add((float) Math.sin(0.7 * i + 0.3));
    }
    ByteBuffer bytes = ByteBuffer.allocateDirect(count * 4).order(ByteOrder.nativeOrder());
    if (type == TensorProto.DataType.FLOAT16_VALUE) {
      ShortBuffer half = bytes.asShortBuffer();
      for (int i = 0; i < count; i++) {
        half.put(i, Float16.fromFloat(values.get(i)));
      }
      return OnnxTensor.createTensor(env, half, shape, OnnxJavaType.FLOAT16);
    }
    FloatBuffer f = bytes.asFloatBuffer();
    for (int i = 0; i < count; i++) {
      f.put(i, values.get(i));
    }
    return OnnxTensor.createTensor(env, f, shape);
  }

  private static FloatBuffer probeT(int rows) {
    FloatBuffer t =
        ByteBuffer.allocateDirect(rows * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < rows; i++) {
      t.put(i, 0.3f + 0.4f * i / Math.max(1, rows - 1));
    }
    return t;
  }

  /**
   * ONNX {@code TensorProto.DataType} number of an ONNX Runtime element type (by name: ORT's Java
   * enum numbers differ from ONNX's).
   */
  private static int onnxType(TensorInfo.OnnxTensorType type) {
    String name = type.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "");
    try {
      return TensorProto.DataType.valueOf(name).getNumber();
    } catch (IllegalArgumentException e) {
      return TensorProto.DataType.UNDEFINED_VALUE;
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown error";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
