package io.flowmatch.inference.perf;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Counts the FLOPs of one call of an ONNX model at a given batch size, by propagating tensor shapes
 * through the graph from the input shapes and the initializers' dimensions.
 *
 * <p>Shape rules cover the ops the flowmatch exporters and analytic models write (elementwise math
 * with broadcasting, MatMul, Gemm, Conv, Concat, Split, Reshape, Transpose, Squeeze, Unsqueeze,
 * Flatten, reductions, Softmax, Layer/Group/InstanceNormalization, Resize, Constant, Shape).
 * Constant int64 tensors (Reshape shapes, axes, split sizes) and float Resize scales are read from
 * initializers. A graph with any other op is refused with the op's name, so a count is never
 * silently short.
 *
 * <p>Dimension {@code -1} or a symbolic dimension in a graph input stands for the batch size.
 */
public final class FlopCounter {
  private static final Set<String> UNARY_MATH =
      Set.of(
          "Sigmoid",
          "Sin",
          "Cos",
          "Erf",
          "Log",
          "Exp",
          "Sqrt",
          "Relu",
          "Tanh",
          "Neg",
          "Abs",
          "Reciprocal",
          "Softplus",
          "Gelu",
          "Softmax",
          "LayerNormalization",
          "GroupNormalization",
          "InstanceNormalization");
  private static final Set<String> BINARY_MATH =
      Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min");
  private static final Set<String> COPIES = Set.of("Identity", "Cast");
  private static final Set<String> REDUCTIONS =
      Set.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceSumSquare");

  private final Map<String, long[]> shapes = new HashMap<>();
  private final Map<String, long[]> longValues = new HashMap<>();
  private final Map<String, float[]> floatValues = new HashMap<>();
  private final Map<String, Long> denseByOp = new TreeMap<>();
  private long dense;
  private long elementwise;
  private long largestTensor;

  private FlopCounter() {}

  /** Counts the model in {@code file} at batch size {@code batch}. */
  public static FlopCount count(Path file, long batch) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Path dir = file.toAbsolutePath().getParent();
      return count(ModelProto.parseFrom(in), batch, dir);
    }
  }

  /**
   * Counts one call at batch size {@code batch}.
   *
   * @throws IllegalArgumentException for an op without a shape rule, or shapes that do not fit
   */
  public static FlopCount count(ModelProto model, long batch) {
    return count(model, batch, null);
  }

  /**
   * As {@link #count(ModelProto, long)}, reading small constants stored as external data from files
   * inside {@code modelDir} (null: external constants are taken by shape only).
   */
  static FlopCount count(ModelProto model, long batch, Path modelDir) {
    if (batch < 1) {
      throw new IllegalArgumentException("flop count: batch must be positive, got " + batch);
    }
    FlopCounter c = new FlopCounter();
    GraphProto g = model.getGraph();
    for (TensorProto t : g.getInitializerList()) {
      try {
        c.addInitializer(t, modelDir);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "flop count: initializer " + t.getName() + ": " + e.getMessage(), e);
      }
    }
    for (ValueInfoProto in : g.getInputList()) {
      if (c.shapes.containsKey(in.getName())) {
        continue; // an initializer also listed as an input (older exporters)
      }
      TensorShapeProto s = in.getType().getTensorType().getShape();
      long[] dims = new long[s.getDimCount()];
      for (int i = 0; i < dims.length; i++) {
        TensorShapeProto.Dimension d = s.getDim(i);
        dims[i] = d.hasDimValue() && d.getDimValue() > 0 ? d.getDimValue() : batch;
      }
      c.shapes.put(in.getName(), dims);
    }
    for (NodeProto n : g.getNodeList()) {
      try {
        c.visit(n);
        for (String out : n.getOutputList()) {
          long[] shape = c.shapes.get(out);
          if (shape != null) {
            c.largestTensor = Math.max(c.largestTensor, numel(shape));
          }
        }
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "flop count: node " + n.getName() + " (" + n.getOpType() + "): " + e.getMessage(), e);
      }
    }
    return new FlopCount(batch, c.dense, c.elementwise, c.denseByOp, c.largestTensor);
  }

  private void addInitializer(TensorProto t, Path modelDir) {
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    shapes.put(t.getName(), dims);
    long count = numel(dims);
    if (count > 64) {
      return; // only small constants (shapes, axes, scales) matter to shape inference
    }
    ByteBuffer raw;
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      byte[] bytes = externalData(t, modelDir);
      if (bytes == null) {
        return; // shape only: an op that needs the value refuses the count
      }
      raw = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    } else {
      raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }
    int width = t.getDataType() == TensorProto.DataType.INT64_VALUE ? 8 : 4;
    boolean typed = t.getInt64DataCount() > 0 || t.getFloatDataCount() > 0;
    if (!typed && raw.remaining() < width * count) {
      return; // fewer bytes than the dims announce: the session reports the model; no values here
    }
    if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
      long[] v = new long[(int) count];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getInt64DataCount() > 0 ? t.getInt64Data(i) : raw.getLong(8 * i);
      }
      longValues.put(t.getName(), v);
    } else if (t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
      float[] v = new float[(int) count];
      for (int i = 0; i < v.length; i++) {
        v[i] = t.getFloatDataCount() > 0 ? t.getFloatData(i) : raw.getFloat(4 * i);
      }
      floatValues.put(t.getName(), v);
    }
  }

  /**
   * The bytes of a small external initializer, or null when they cannot be read: only files inside
   * the model's folder are opened (ONNX external data must not reach outside it).
   */
  private static byte[] externalData(TensorProto t, Path modelDir) {
    if (modelDir == null) {
      return null;
    }
    String location = null;
    long offset = 0;
    long length = -1;
    for (var e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offset = Long.parseLong(e.getValue());
        case "length" -> length = Long.parseLong(e.getValue());
        default -> {}
      }
    }
    if (location == null || offset < 0) {
      return null;
    }
    Path base = modelDir.normalize();
    Path file = base.resolve(location).normalize();
    if (!file.startsWith(base) || !Files.isRegularFile(file)) {
      return null;
    }
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      long n = length >= 0 ? length : ch.size() - offset;
      if (n < 0 || n > 64 * 8) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocate((int) n);
      while (b.hasRemaining() && ch.read(b, offset + b.position()) > 0) {
        // reads until full or the end of the file
      }
      return b.hasRemaining() ? null : b.array();
    } catch (IOException e) {
      return null;
    }
  }

  private void visit(NodeProto n) {
    String op = n.getOpType();
    String out = n.getOutputCount() > 0 ? n.getOutput(0) : null;
    if (UNARY_MATH.contains(op)) {
      long[] s = shape(n, 0);
      shapes.put(out, s);
      elementwise += numel(s);
    } else if (BINARY_MATH.contains(op)) {
      long[] s = broadcast(shape(n, 0), shape(n, 1));
      shapes.put(out, s);
      elementwise += numel(s);
    } else if (COPIES.contains(op)) {
      shapes.put(out, shape(n, 0));
    } else {
      switch (op) {
        // int8 layers (inference.quantize) count as the MatMul they compute
        case "MatMul", "MatMulInteger", "DynamicQuantizeMatMul", "MatMulIntegerToFloat" ->
            matMul(n, out);
        case "DynamicQuantizeLinear" -> {
          long[] s = shape(n, 0);
          shapes.put(out, s);
          shapes.put(n.getOutput(1), new long[0]);
          shapes.put(n.getOutput(2), new long[0]);
          elementwise += numel(s);
        }
        case "DequantizeLinear", "QuantizeLinear" -> {
          long[] s = shape(n, 0);
          shapes.put(out, s);
          elementwise += numel(s);
        }
        case "Gemm" -> gemm(n, out);
        case "Conv" -> conv(n, out);
        case "Concat" -> concat(n, out);
        case "Split" -> split(n);
        case "Reshape" -> reshape(n, out);
        case "Transpose" -> transpose(n, out);
        case "Squeeze" -> squeeze(n, out);
        case "Unsqueeze" -> unsqueeze(n, out);
        case "Flatten" -> flatten(n, out);
        case "Resize" -> resize(n, out);
        case "Constant" -> constant(n, out);
        case "Shape" -> {
          long[] s = shape(n, 0);
          shapes.put(out, new long[] {s.length});
          longValues.put(out, s.clone());
        }
        default -> {
          if (REDUCTIONS.contains(op)) {
            reduce(n, out);
          } else {
            throw new IllegalArgumentException("no shape rule for op " + op);
          }
        }
      }
    }
  }

  private void matMul(NodeProto n, String out) {
    long[] a = shape(n, 0);
    long[] b = shape(n, 1);
    boolean aVector = a.length == 1;
    boolean bVector = b.length == 1;
    long[] a2 = aVector ? new long[] {1, a[0]} : a;
    long[] b2 = bVector ? new long[] {b[0], 1} : b;
    long m = a2[a2.length - 2];
    long k = a2[a2.length - 1];
    long kb = b2[b2.length - 2];
    long cols = b2[b2.length - 1];
    if (k != kb) {
      throw new IllegalArgumentException(
          "inner dimensions differ: " + Arrays.toString(a) + " × " + Arrays.toString(b));
    }
    long[] batchDims =
        broadcast(Arrays.copyOf(a2, a2.length - 2), Arrays.copyOf(b2, b2.length - 2));
    long[] s = Arrays.copyOf(batchDims, batchDims.length + 2);
    s[batchDims.length] = m;
    s[batchDims.length + 1] = cols;
    long flops = 2 * numel(batchDims) * m * k * cols;
    // drop the dimensions a 1-D operand was promoted with
    if (aVector) {
      s = remove(s, s.length - 2);
    }
    if (bVector) {
      s = remove(s, s.length - 1);
    }
    shapes.put(out, s);
    addDense("MatMul", flops);
  }

  private void gemm(NodeProto n, String out) {
    long[] a = shape(n, 0);
    long[] b = shape(n, 1);
    boolean ta = intAttr(n, "transA", 0) != 0;
    boolean tb = intAttr(n, "transB", 0) != 0;
    long m = ta ? a[1] : a[0];
    long k = ta ? a[0] : a[1];
    long kb = tb ? b[1] : b[0];
    long cols = tb ? b[0] : b[1];
    if (k != kb) {
      throw new IllegalArgumentException(
          "inner dimensions differ: " + Arrays.toString(a) + " × " + Arrays.toString(b));
    }
    long flops = 2 * m * k * cols;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      flops += m * cols; // + C
    }
    shapes.put(out, new long[] {m, cols});
    addDense("Gemm", flops);
  }

  private void conv(NodeProto n, String out) {
    long[] x = shape(n, 0);
    long[] w = shape(n, 1);
    int spatial = x.length - 2;
    long group = intAttr(n, "group", 1);
    long[] strides = intsAttr(n, "strides", spatial, 1);
    long[] dilations = intsAttr(n, "dilations", spatial, 1);
    long[] pads = intsAttr(n, "pads", 2 * spatial, 0);
    String autoPad = stringAttr(n, "auto_pad", "NOTSET");
    long[] s = new long[x.length];
    s[0] = x[0];
    s[1] = w[0];
    long outPositions = 1;
    long kernel = 1;
    for (int i = 0; i < spatial; i++) {
      long in = x[i + 2];
      long k = w[i + 2];
      long size;
      switch (autoPad) {
        case "SAME_UPPER", "SAME_LOWER" -> size = (in + strides[i] - 1) / strides[i];
        case "VALID" -> size = (in - dilations[i] * (k - 1) - 1) / strides[i] + 1;
        default ->
            size = (in + pads[i] + pads[i + spatial] - dilations[i] * (k - 1) - 1) / strides[i] + 1;
      }
      s[i + 2] = size;
      outPositions *= size;
      kernel *= k;
    }
    if (x[1] != w[1] * group) {
      throw new IllegalArgumentException(
          "input channels "
              + x[1]
              + " do not fit weight "
              + Arrays.toString(w)
              + " with group "
              + group);
    }
    long outputs = s[0] * s[1] * outPositions;
    long flops = 2 * outputs * w[1] * kernel;
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      flops += outputs;
    }
    shapes.put(out, s);
    addDense("Conv", flops);
  }

  private void concat(NodeProto n, String out) {
    long[] first = shape(n, 0);
    int axis = axis(intAttr(n, "axis", 0), first.length);
    long[] s = first.clone();
    for (int i = 1; i < n.getInputCount(); i++) {
      s[axis] += shape(n, i)[axis];
    }
    shapes.put(out, s);
  }

  private void split(NodeProto n) {
    long[] x = shape(n, 0);
    int axis = axis(intAttr(n, "axis", 0), x.length);
    int parts = n.getOutputCount();
    long[] sizes;
    if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      sizes = constLongs(n.getInput(1));
    } else {
      sizes = new long[parts];
      long each = (x[axis] + parts - 1) / parts; // the last part takes what is left
      for (int i = 0; i < parts; i++) {
        sizes[i] = Math.min(each, x[axis] - each * i);
      }
    }
    for (int i = 0; i < parts; i++) {
      long[] s = x.clone();
      s[axis] = sizes[i];
      shapes.put(n.getOutput(i), s);
    }
  }

  private void reshape(NodeProto n, String out) {
    long[] x = shape(n, 0);
    long[] target = constLongs(n.getInput(1)).clone();
    boolean allowZero = intAttr(n, "allowzero", 0) != 0;
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == 0 && !allowZero) {
        target[i] = x[i];
      }
      if (target[i] == -1) {
        unknown = i;
      } else {
        known *= target[i];
      }
    }
    if (unknown >= 0) {
      target[unknown] = numel(x) / known;
    }
    if (numel(target) != numel(x)) {
      throw new IllegalArgumentException(
          "cannot reshape " + Arrays.toString(x) + " to " + Arrays.toString(target));
    }
    shapes.put(out, target);
  }

  private void transpose(NodeProto n, String out) {
    long[] x = shape(n, 0);
    long[] perm = intsAttr(n, "perm", x.length, -1);
    long[] s = new long[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = perm[0] == -1 ? x[x.length - 1 - i] : x[(int) perm[i]];
    }
    shapes.put(out, s);
  }

  private void squeeze(NodeProto n, String out) {
    long[] x = shape(n, 0);
    long[] axes = n.getInputCount() > 1 ? constLongs(n.getInput(1)) : null;
    boolean[] drop = new boolean[x.length];
    if (axes == null) {
      for (int i = 0; i < x.length; i++) {
        drop[i] = x[i] == 1;
      }
    } else {
      for (long a : axes) {
        drop[axis(a, x.length)] = true;
      }
    }
    long[] s = new long[x.length];
    int k = 0;
    for (int i = 0; i < x.length; i++) {
      if (!drop[i]) {
        s[k++] = x[i];
      }
    }
    shapes.put(out, Arrays.copyOf(s, k));
  }

  private void unsqueeze(NodeProto n, String out) {
    long[] x = shape(n, 0);
    long[] axes = constLongs(n.getInput(1));
    int rank = x.length + axes.length;
    boolean[] inserted = new boolean[rank];
    for (long a : axes) {
      inserted[axis(a, rank)] = true;
    }
    long[] s = new long[rank];
    int k = 0;
    for (int i = 0; i < rank; i++) {
      s[i] = inserted[i] ? 1 : x[k++];
    }
    shapes.put(out, s);
  }

  private void flatten(NodeProto n, String out) {
    long[] x = shape(n, 0);
    int axis = axis(intAttr(n, "axis", 1), x.length + 1);
    long outer = numel(Arrays.copyOf(x, axis));
    shapes.put(out, new long[] {outer, numel(x) / outer});
  }

  private void reduce(NodeProto n, String out) {
    long[] x = shape(n, 0);
    boolean keep = intAttr(n, "keepdims", 1) != 0;
    long[] axes =
        n.getInputCount() > 1 && !n.getInput(1).isEmpty() ? constLongs(n.getInput(1)) : null;
    boolean[] reduced = new boolean[x.length];
    if (axes == null || axes.length == 0) {
      Arrays.fill(reduced, intAttr(n, "noop_with_empty_axes", 0) == 0);
    } else {
      for (long a : axes) {
        reduced[axis(a, x.length)] = true;
      }
    }
    long[] s = new long[x.length];
    int k = 0;
    for (int i = 0; i < x.length; i++) {
      if (!reduced[i]) {
        s[k++] = x[i];
      } else if (keep) {
        s[k++] = 1;
      }
    }
    shapes.put(out, Arrays.copyOf(s, k));
    elementwise += numel(x);
  }

  private void resize(NodeProto n, String out) {
    long[] x = shape(n, 0);
    long[] s = x.clone();
    if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
      s = constLongs(n.getInput(3)).clone();
    } else {
      float[] scales = floatValues.get(n.getInput(2));
      if (scales == null) {
        throw new IllegalArgumentException(
            "scales " + n.getInput(2) + " are not a constant float tensor");
      }
      for (int i = 0; i < x.length; i++) {
        s[i] = (long) Math.floor(x[i] * (double) scales[i]);
      }
    }
    shapes.put(out, s);
    elementwise += numel(s);
  }

  private void constant(NodeProto n, String out) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals("value")) {
        TensorProto t = a.getT().toBuilder().setName(out).build();
        addInitializer(t, null);
        return;
      }
    }
    throw new IllegalArgumentException("only Constant nodes with a 'value' tensor are supported");
  }

  // ---- helpers ----

  private void addDense(String op, long flops) {
    dense += flops;
    denseByOp.merge(op, flops, Long::sum);
  }

  private long[] shape(NodeProto n, int input) {
    String name = n.getInput(input);
    long[] s = shapes.get(name);
    if (s == null) {
      throw new IllegalArgumentException("input " + name + " has no known shape");
    }
    return s;
  }

  private long[] constLongs(String name) {
    long[] v = longValues.get(name);
    if (v == null) {
      throw new IllegalArgumentException(name + " is not a constant int64 tensor");
    }
    return v;
  }

  /** NumPy broadcasting of two shapes. */
  static long[] broadcast(long[] a, long[] b) {
    int rank = Math.max(a.length, b.length);
    long[] s = new long[rank];
    for (int i = 0; i < rank; i++) {
      long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (da != db && da != 1 && db != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
      }
      s[i] = da == 1 ? db : da;
    }
    return s;
  }

  private static long numel(long[] s) {
    long p = 1;
    for (long d : s) {
      p *= d;
    }
    return p;
  }

  private static long[] remove(long[] s, int index) {
    long[] r = new long[s.length - 1];
    System.arraycopy(s, 0, r, 0, index);
    System.arraycopy(s, index + 1, r, index, s.length - index - 1);
    return r;
  }

  private static int axis(long a, int rank) {
    int r = (int) (a < 0 ? a + rank : a);
    if (r < 0 || r >= rank) {
      throw new IllegalArgumentException("axis " + a + " out of range for rank " + rank);
    }
    return r;
  }

  private static AttributeProto attribute(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  private static long intAttr(NodeProto n, String name, long fallback) {
    AttributeProto a = attribute(n, name);
    return a == null ? fallback : a.getI();
  }

  private static long[] intsAttr(NodeProto n, String name, int length, long fallback) {
    AttributeProto a = attribute(n, name);
    if (a == null || a.getIntsCount() == 0) {
      long[] v = new long[length];
      Arrays.fill(v, fallback);
      return v;
    }
    List<Long> values = a.getIntsList();
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  private static String stringAttr(NodeProto n, String name, String fallback) {
    AttributeProto a = attribute(n, name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }
}
