package io.flowmatch.inference.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.flowmatch.inference.io.Float16;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds an ONNX model from Java with the protobuf classes: inputs, outputs, initializers (float32
 * or float16), nodes with attributes, and {@code metadata_props}.
 *
 * <p>Node outputs get unique names from a counter unless given. Dimension {@code -1} in an input or
 * output declares the symbolic batch dimension {@code N}.
 */
public final class OnnxGraphBuilder {
  /** Opset of the default ONNX domain; 21 for GroupNormalization with per-channel scale/bias. */
  public static final int DEFAULT_OPSET = 21;

  /** IR version that goes with opset 21. */
  public static final long IR_VERSION = 10;

  public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  public static final int FLOAT16 = TensorProto.DataType.FLOAT16_VALUE;
  public static final int INT64 = TensorProto.DataType.INT64_VALUE;

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private int counter;
  private int opset = DEFAULT_OPSET;

  public OnnxGraphBuilder(String graphName) {
    graph.setName(graphName);
  }

  public OnnxGraphBuilder opset(int version) {
    this.opset = version;
    return this;
  }

  /** A fresh unique tensor name with the given prefix. */
  public String fresh(String prefix) {
    return prefix + "_" + (counter++);
  }

  public OnnxGraphBuilder input(String name, int elemType, long... dims) {
    graph.addInput(valueInfo(name, elemType, dims));
    return this;
  }

  public OnnxGraphBuilder output(String name, int elemType, long... dims) {
    graph.addOutput(valueInfo(name, elemType, dims));
    return this;
  }

  public OnnxGraphBuilder metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** A float32 initializer. Returns its name. */
  public String floats(String name, float[] values, long... dims) {
    checkCount(name, values.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buf.putFloat(v);
    }
    return rawInitializer(name, FLOAT, buf.array(), dims);
  }

  /** A float16 initializer from float values (rounded to nearest half). Returns its name. */
  public String halves(String name, float[] values, long... dims) {
    checkCount(name, values.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buf.putShort(Float16.fromFloat(v));
    }
    return rawInitializer(name, FLOAT16, buf.array(), dims);
  }

  /** A float initializer of the given element type (FLOAT or FLOAT16). */
  public String weights(String name, int elemType, float[] values, long... dims) {
    return elemType == FLOAT16 ? halves(name, values, dims) : floats(name, values, dims);
  }

  /** An int8 initializer. Returns its name. */
  public String int8s(String name, byte[] values, long... dims) {
    checkCount(name, values.length, dims);
    return rawInitializer(name, TensorProto.DataType.INT8_VALUE, values.clone(), dims);
  }

  /** An int64 initializer. Returns its name. */
  public String longs(String name, long[] values, long... dims) {
    checkCount(name, values.length, dims);
    ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      buf.putLong(v);
    }
    return rawInitializer(name, INT64, buf.array(), dims);
  }

  /** A scalar float initializer of the given element type. */
  public String scalar(String name, int elemType, float value) {
    return weights(name, elemType, new float[] {value});
  }

  private String rawInitializer(String name, int elemType, byte[] raw, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elemType);
    for (long d : dims) {
      t.addDims(d);
    }
    t.setRawData(ByteString.copyFrom(raw));
    graph.addInitializer(t);
    return name;
  }

  private static void checkCount(String name, int count, long... dims) {
    long expected = 1;
    for (long d : dims) {
      expected *= d;
    }
    if (expected != count) {
      throw new IllegalArgumentException(
          "initializer "
              + name
              + ": "
              + count
              + " values do not fill shape "
              + java.util.Arrays.toString(dims));
    }
  }

  /** Adds a node with one output, named freshly after the op. Returns the output name. */
  public String node(String opType, String[] inputs, AttributeProto... attributes) {
    return nodeNamed(opType, fresh(opType.toLowerCase()), inputs, attributes);
  }

  /** Adds a node with one output of the given name. Returns that name. */
  public String nodeNamed(
      String opType, String output, String[] inputs, AttributeProto... attributes) {
    nodeMulti(opType, "", inputs, new String[] {output}, attributes);
    return output;
  }

  /** Adds a node in the given domain ("" for the default ONNX domain) with several outputs. */
  public void nodeMulti(
      String opType,
      String domain,
      String[] inputs,
      String[] outputs,
      AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(fresh("n_" + opType));
    if (!domain.isEmpty()) {
      n.setDomain(domain);
    }
    for (String i : inputs) {
      n.addInput(i);
    }
    for (String o : outputs) {
      n.addOutput(o);
    }
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
  }

  // ---- attributes ----

  public static AttributeProto attr(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  public static AttributeProto attr(String name, float value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(value)
        .build();
  }

  public static AttributeProto attr(String name, String value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value))
        .build();
  }

  public static AttributeProto attrInts(String name, long... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  public static AttributeProto attrFloats(String name, float... values) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      a.addFloats(v);
    }
    return a.build();
  }

  // ---- building and writing ----

  public ModelProto build() {
    ModelProto.Builder m =
        ModelProto.newBuilder()
            .setIrVersion(IR_VERSION)
            .setProducerName("flowmatch")
            .setProducerVersion("0.1.0")
            .setGraph(graph)
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
            .addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1));
    metadata.forEach(
        (k, v) ->
            m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return m.build();
  }

  public byte[] toBytes() {
    return build().toByteArray();
  }

  /** Writes the model atomically: a temporary file beside {@code path}, then a move. */
  public void save(Path path) throws IOException {
    writeAtomically(path, toBytes());
  }

  /** Writes bytes to a temporary file in the target's folder, then moves it into place. */
  public static void writeAtomically(Path path, byte[] bytes) throws IOException {
    io.flowmatch.inference.io.AtomicFile.write(path, bytes);
  }

  private static ValueInfoProto valueInfo(String name, int elemType, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      if (d < 0) {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
      } else {
        shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
    }
    TypeProto type =
        TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape))
            .build();
    return ValueInfoProto.newBuilder().setName(name).setType(type).build();
  }
}
