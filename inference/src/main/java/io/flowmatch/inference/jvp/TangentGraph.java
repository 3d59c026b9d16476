package io.flowmatch.inference.jvp;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import io.flowmatch.inference.io.Float16;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The graph being derived: the original nodes, the tangent nodes emitted after each, the tangent of
 * every tensor that depends on {@code x} (absent: zero), and the probed tensor types. The helpers
 * emit ONNX ops in the form the model's opset expects.
 */
final class TangentGraph {
  private final GraphProto.Builder graph;
  private final Map<String, TensorType> types;
  private final Map<String, String> tangents = new HashMap<>();
  private final Map<String, String> constants = new HashMap<>();
  private final int opset;
  private int counter;

  TangentGraph(GraphProto.Builder graph, Map<String, TensorType> types, int opset) {
    this.graph = graph;
    this.types = types;
    this.opset = opset;
  }

  int opset() {
    return opset;
  }

  /** Tangent of a tensor, or null when it does not depend on x. */
  String tangent(String name) {
    return name.isEmpty() ? null : tangents.get(name);
  }

  void setTangent(String name, String tangent) {
    if (tangent != null && !name.isEmpty()) {
      tangents.put(name, tangent);
    }
  }

  /** Type of a tensor as probed; fails for a tensor the probe did not see. */
  TensorType type(String name) {
    TensorType t = types.get(name);
    if (t == null) {
      throw new IllegalStateException("jvp: no probed shape for tensor '" + name + "'");
    }
    return t;
  }

  /** Records the type of a tensor the transform created. */
  void setType(String name, TensorType type) {
    types.put(name, type);
  }

  String fresh(String prefix) {
    return "jvp_" + prefix + "_" + (counter++);
  }

  void copy(NodeProto node) {
    graph.addNode(node);
  }

  /** Adds a node in the default domain with one output and returns it. */
  String node(String op, List<String> inputs, List<AttributeProto> attributes) {
    String out = fresh(op.toLowerCase());
    nodeMulti(op, inputs, List.of(out), attributes);
    return out;
  }

  String node(String op, String... inputs) {
    return node(op, List.of(inputs), List.of());
  }

  void nodeMulti(String op, List<String> inputs, List<String> outputs, List<AttributeProto> attrs) {
    graph.addNode(
        NodeProto.newBuilder()
            .setOpType(op)
            .setName(fresh("n_" + op))
            .addAllInput(inputs)
            .addAllOutput(outputs)
            .addAllAttribute(attrs));
  }

  String add(String a, String b) {
    return node("Add", a, b);
  }

  String sub(String a, String b) {
    return node("Sub", a, b);
  }

  String mul(String a, String b) {
    return node("Mul", a, b);
  }

  String div(String a, String b) {
    return node("Div", a, b);
  }

  String neg(String a) {
    return node("Neg", a);
  }

  /** A scalar constant of an ONNX float type (float32, float16 or double), shared by value. */
  String scalar(double value, int elemType) {
    String key = elemType + ":" + value;
    return constants.computeIfAbsent(
        key,
        k -> {
          String name = fresh("c");
          ByteBuffer buf;
          if (elemType == TensorProto.DataType.FLOAT16_VALUE) {
            buf = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            buf.putShort(Float16.fromFloat((float) value));
          } else if (elemType == TensorProto.DataType.DOUBLE_VALUE) {
            buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            buf.putDouble(value);
          } else if (elemType == TensorProto.DataType.FLOAT_VALUE) {
            buf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            buf.putFloat((float) value);
          } else {
            throw new IllegalArgumentException("jvp: no float constant of ONNX type " + elemType);
          }
          graph.addInitializer(
              TensorProto.newBuilder()
                  .setName(name)
                  .setDataType(elemType)
                  .setRawData(ByteString.copyFrom(buf.array())));
          types.put(name, new TensorType(new long[0], elemType));
          return name;
        });
  }

  /** A 1-D int64 constant. */
  String longs(long... values) {
    String key = "i64:" + java.util.Arrays.toString(values);
    return constants.computeIfAbsent(
        key,
        k -> {
          String name = fresh("i");
          ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
          for (long v : values) {
            buf.putLong(v);
          }
          graph.addInitializer(
              TensorProto.newBuilder()
                  .setName(name)
                  .setDataType(TensorProto.DataType.INT64_VALUE)
                  .addDims(values.length)
                  .setRawData(ByteString.copyFrom(buf.array())));
          return name;
        });
  }

  /** Zeros with the shape and type of {@code like}. */
  String zerosLike(String like) {
    int type = type(like).elemType();
    TensorProto value =
        TensorProto.newBuilder()
            .setDataType(type)
            .addDims(1)
            .setRawData(
                ByteString.copyFrom(
                    new byte
                        [type == TensorProto.DataType.FLOAT16_VALUE
                            ? 2
                            : type == TensorProto.DataType.DOUBLE_VALUE ? 8 : 4]))
            .build();
    AttributeProto attr =
        AttributeProto.newBuilder()
            .setName("value")
            .setType(AttributeProto.AttributeType.TENSOR)
            .setT(value)
            .build();
    return node("ConstantOfShape", List.of(node("Shape", like)), List.of(attr));
  }

  /**
   * {@code tangent} (of the tensor {@code primal}) broadcast to the shape of {@code result}: the
   * tangent itself when the shapes agree, else an Expand. Needed where a linear op passes one
   * operand's tangent on alone and that operand is the smaller one.
   */
  String expandTo(String tangent, String primal, String result) {
    if (type(primal).sameShape(type(result))) {
      return tangent;
    }
    return node("Expand", tangent, node("Shape", result));
  }

  /** ReduceMean or ReduceSum over {@code axes}, keeping them, in this opset's form. */
  String reduce(String op, String x, long[] axes) {
    boolean axesInput = op.equals("ReduceSum") ? opset >= 13 : opset >= 18;
    AttributeProto keep = OnnxGraphBuilder.attr("keepdims", 1L);
    if (axesInput) {
      return node(op, List.of(x, longs(axes)), List.of(keep));
    }
    return node(op, List.of(x), List.of(OnnxGraphBuilder.attrInts("axes", axes), keep));
  }

  /** Unsqueeze in this opset's form (axes as input from opset 13). */
  String unsqueeze(String x, long... axes) {
    if (opset >= 13) {
      return node("Unsqueeze", x, longs(axes));
    }
    return node("Unsqueeze", List.of(x), List.of(OnnxGraphBuilder.attrInts("axes", axes)));
  }
}
