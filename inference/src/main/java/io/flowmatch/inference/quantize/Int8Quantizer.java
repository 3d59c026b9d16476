package io.flowmatch.inference.quantize;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quantises the weight layers of an ONNX velocity model to int8, from the ONNX file alone: every
 * {@code MatMul} whose second input is a constant 2-D float32 weight, and every {@code Gemm} with a
 * constant weight (alpha = beta = 1, no transposed input), except the roles the {@link Int8Recipe}
 * keeps in float32. Weights become int8 with one scale per output channel (symmetric, |q| ≤ 127);
 * activations are quantised per call, so no calibration data is needed and timestep-dependent
 * activation ranges cost nothing. The inputs and outputs keep their names and types; metadata
 * records the precision and the recipe.
 */
public final class Int8Quantizer {
  private Int8Quantizer() {}

  /** Metadata key of the recipe text. */
  public static final String RECIPE = ModelMetadata.PREFIX + "quantization";

  /** Metadata key of the layer counts (quantised, and kept float32 per role). */
  public static final String LAYERS = ModelMetadata.PREFIX + "quantized_layers";

  /** Metadata key of the source model's {@code flowmatch.precision}. */
  public static final String SOURCE_PRECISION = ModelMetadata.PREFIX + "quantized_from";

  /** Value of {@code flowmatch.precision} in a quantised model. */
  public static final String PRECISION_INT8 = "int8";

  private static final String MS_DOMAIN = "com.microsoft";

  /**
   * A quantised model.
   *
   * @param model the serialised ONNX model
   * @param quantized names of the quantised layer nodes (or their output tensors when unnamed)
   * @param kept per role, the weight layers left in float32
   */
  public record Result(byte[] model, List<String> quantized, Map<LayerRole, List<String>> kept) {
    /** E.g. {@code 24 of 35 weight layers int8; fp32: time 11} . */
    public String describe() {
      int total = quantized.size();
      StringBuilder k = new StringBuilder();
      for (var e : kept.entrySet()) {
        total += e.getValue().size();
        if (!e.getValue().isEmpty()) {
          k.append(k.length() == 0 ? "" : ", ")
              .append(e.getKey().label())
              .append(' ')
              .append(e.getValue().size());
        }
      }
      return quantized.size()
          + " of "
          + total
          + " weight layers int8"
          + (k.length() == 0 ? "" : "; fp32: " + k);
    }
  }

  /** A candidate layer: a node with a constant weight [K, N] (after Gemm's transB). */
  record Layer(int index, NodeProto node, LayerRole role) {}

  /**
   * Quantises a serialised model.
   *
   * @throws FlowmatchException BAD_MODEL if the bytes are not an ONNX model or it has no {@code x}
   *     input; INVALID_ARGUMENT if it is already quantised or has no weight layer to quantise under
   *     this recipe
   */
  public static Result quantize(byte[] onnx, Int8Recipe recipe) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnx);
    } catch (InvalidProtocolBufferException e) {
      throw FlowmatchException.badModel("not an ONNX model: " + e.getMessage());
    }
    GraphProto graph = model.getGraph();
    Map<String, String> meta = new LinkedHashMap<>();
    for (OnnxMl.StringStringEntryProto p : model.getMetadataPropsList()) {
      meta.put(p.getKey(), p.getValue());
    }
    if (PRECISION_INT8.equals(meta.get(ModelMetadata.PRECISION)) || meta.containsKey(RECIPE)) {
      throw FlowmatchException.invalidArgument("the model is already int8 (" + RECIPE + " is set)");
    }
    String xName = inputName(graph, "x");
    Map<String, TensorProto> inits = new HashMap<>();
    for (TensorProto t : graph.getInitializerList()) {
      inits.put(t.getName(), t);
    }
    List<Layer> layers = findLayers(graph, inits, xName);

    GraphProto.Builder g = graph.toBuilder().clearNode();
    Map<String, String> weightCache = new HashMap<>(); // one int8 copy per shared weight
    List<String> quantized = new ArrayList<>();
    Map<LayerRole, List<String>> kept = new EnumMap<>(LayerRole.class);
    for (LayerRole r : LayerRole.values()) {
      if (r != LayerRole.INNER) {
        kept.put(r, new ArrayList<>());
      }
    }
    Map<Integer, Layer> byIndex = new HashMap<>();
    for (Layer l : layers) {
      byIndex.put(l.index(), l);
    }
    Set<String> usedInits = new HashSet<>();
    Names names = new Names(graph);
    Map<Integer, Integer> biasAdds = biasAdds(graph, inits, layers, recipe);
    Set<Integer> folded = new HashSet<>(biasAdds.values());
    Map<String, String[]> quantizedInputs = new HashMap<>(); // one DynamicQuantizeLinear per tensor
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      Layer l = byIndex.get(i);
      if (folded.contains(i)) {
        continue; // a bias Add now inside the layer before it
      }
      if (l == null) {
        g.addNode(n);
        usedInputs(n, usedInits);
        continue;
      }
      String label = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
      if (recipe.keepFp32().contains(l.role())) {
        kept.get(l.role()).add(label);
        g.addNode(n);
        usedInputs(n, usedInits);
        continue;
      }
      quantized.add(label);
      String bias = null;
      String out = n.getOutput(0);
      Integer add = biasAdds.get(i);
      if (add != null) {
        NodeProto a = graph.getNode(add);
        bias = a.getInput(0).equals(out) ? a.getInput(1) : a.getInput(0);
        out = a.getOutput(0);
      } else if (n.getOpType().equals("Gemm")
          && n.getInputCount() > 2
          && !n.getInput(2).isEmpty()) {
        bias = n.getInput(2);
      }
      rewrite(
          g, n, inits, recipe.form(), bias, out, weightCache, quantizedInputs, names, usedInits);
    }
    if (quantized.isEmpty()) {
      throw FlowmatchException.invalidArgument(
          "nothing to quantise: the model has "
              + layers.size()
              + " weight layer(s) (MatMul/Gemm with a constant float32 weight) and the recipe keeps "
              + "all of them float32 (convolutions and attention's activation MatMuls are never "
              + "quantised)");
    }
    // drop float32 weights no node reads any more
    List<TensorProto> all = new ArrayList<>(g.getInitializerList());
    g.clearInitializer();
    for (TensorProto t : all) {
      if (usedInits.contains(t.getName())) {
        g.addInitializer(t);
      }
    }

    ModelProto.Builder m = model.toBuilder().setGraph(g).clearMetadataProps();
    if (recipe.form() == QuantForm.DYNAMIC_QUANTIZE_MATMUL
        && m.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MS_DOMAIN))) {
      m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    }
    long opset =
        m.getOpsetImportList().stream()
            .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
            .mapToLong(OnnxMl.OperatorSetIdProto::getVersion)
            .max()
            .orElse(0);
    if (opset < 13) {
      throw FlowmatchException.unsupported(
          "int8 quantisation writes per-channel scales, which need ONNX opset 13 or later; the model"
              + " imports opset "
              + opset);
    }
    Result partial = new Result(null, quantized, kept);
    meta.put(SOURCE_PRECISION, meta.getOrDefault(ModelMetadata.PRECISION, "fp32"));
    meta.put(ModelMetadata.PRECISION, PRECISION_INT8);
    meta.put(RECIPE, recipe.describe());
    meta.put(LAYERS, partial.describe());
    meta.forEach(
        (k, v) ->
            m.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return new Result(m.build().toByteArray(), List.copyOf(quantized), kept);
  }

  /** The weight layers of the graph with their roles, in node order. */
  static List<Layer> findLayers(GraphProto graph, Map<String, TensorProto> inits, String xName) {
    int count = graph.getNodeCount();
    // tensors that depend on x, and tensors downstream of an x-dependent weight layer
    Set<String> dependsOnX = new HashSet<>();
    dependsOnX.add(xName);
    Set<String> afterLayer = new HashSet<>();
    boolean[] candidate = new boolean[count];
    boolean[] xLayer = new boolean[count];
    boolean[] first = new boolean[count];
    for (int i = 0; i < count; i++) {
      NodeProto n = graph.getNode(i);
      candidate[i] = weightOf(n, inits) != null;
      boolean depX = false;
      boolean after = false;
      for (String in : n.getInputList()) {
        depX |= dependsOnX.contains(in);
        after |= afterLayer.contains(in);
      }
      xLayer[i] = candidate[i] && dependsOnX.contains(n.getInput(0));
      first[i] = xLayer[i] && !afterLayer.contains(n.getInput(0));
      for (String out : n.getOutputList()) {
        if (depX) {
          dependsOnX.add(out);
        }
        if (after || xLayer[i]) {
          afterLayer.add(out);
        }
      }
    }
    // backwards: tensors from which an x-dependent weight layer is reachable
    Set<String> beforeLayer = new HashSet<>();
    boolean[] last = new boolean[count];
    for (int i = count - 1; i >= 0; i--) {
      NodeProto n = graph.getNode(i);
      boolean feeds = xLayer[i];
      boolean outputsFeed = false;
      for (String out : n.getOutputList()) {
        outputsFeed |= beforeLayer.contains(out);
      }
      last[i] = xLayer[i] && !outputsFeed;
      if (feeds || outputsFeed) {
        for (String in : n.getInputList()) {
          beforeLayer.add(in);
        }
      }
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (!candidate[i]) {
        continue;
      }
      LayerRole role =
          !xLayer[i]
              ? LayerRole.TIME
              : first[i] ? LayerRole.FIRST : last[i] ? LayerRole.LAST : LayerRole.INNER;
      layers.add(new Layer(i, graph.getNode(i), role));
    }
    return layers;
  }

  /**
   * The constant weight of a layer node, or null if the node is not one this quantiser handles:
   * MatMul with a 2-D float32 initializer as B, or Gemm with alpha = beta = 1, transA = 0, a 2-D
   * float32 initializer as B and no bias or a 1-D float32 initializer bias.
   */
  static TensorProto weightOf(NodeProto n, Map<String, TensorProto> inits) {
    boolean gemm = n.getOpType().equals("Gemm");
    if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")
        || !(gemm || n.getOpType().equals("MatMul"))
        || n.getInputCount() < 2) {
      return null;
    }
    TensorProto w = inits.get(n.getInput(1));
    if (w == null || w.getDataType() != TensorProto.DataType.FLOAT_VALUE || w.getDimsCount() != 2) {
      return null;
    }
    if (gemm) {
      if (floatAttr(n, "alpha", 1f) != 1f
          || floatAttr(n, "beta", 1f) != 1f
          || intAttr(n, "transA", 0) != 0) {
        return null;
      }
      if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
        TensorProto c = inits.get(n.getInput(2));
        long outs = intAttr(n, "transB", 0) != 0 ? w.getDims(0) : w.getDims(1);
        if (c == null
            || c.getDataType() != TensorProto.DataType.FLOAT_VALUE
            || c.getDimsCount() != 1
            || c.getDims(0) != outs) {
          return null;
        }
      }
    }
    return w;
  }

  /** Writes the quantised form of one layer node, producing the node's own output name. */
  private static void rewrite(
      GraphProto.Builder g,
      NodeProto n,
      Map<String, TensorProto> inits,
      QuantForm form,
      String bias,
      String out,
      Map<String, String> weightCache,
      Map<String, String[]> quantizedInputs,
      Names names,
      Set<String> usedInits) {
    TensorProto wt = inits.get(n.getInput(1));
    boolean gemm = n.getOpType().equals("Gemm");
    boolean transB = gemm && intAttr(n, "transB", 0) != 0;
    if (bias != null) {
      usedInits.add(bias);
    }
    String key = wt.getName() + (transB ? "/T" : "");
    String wq = weightCache.get(key);
    String ws;
    if (wq == null) {
      float[][] kn = weightKn(wt, transB);
      Quantized q = quantizeColumns(kn);
      wq = names.fresh(wt.getName() + "_int8");
      ws = wq + "_scale";
      g.addInitializer(
          TensorProto.newBuilder()
              .setName(wq)
              .setDataType(TensorProto.DataType.INT8_VALUE)
              .addDims(kn.length)
              .addDims(kn[0].length)
              .setRawData(ByteString.copyFrom(q.values)));
      g.addInitializer(floatTensor(ws, q.scales));
      weightCache.put(key, wq);
    } else {
      ws = wq + "_scale";
    }
    usedInits.add(wq);
    usedInits.add(ws);
    String a = n.getInput(0);
    String base = names.fresh((n.getName().isEmpty() ? out : n.getName()) + "_q");
    switch (form) {
      case DYNAMIC_QUANTIZE_MATMUL -> {
        NodeProto.Builder d =
            NodeProto.newBuilder()
                .setOpType("DynamicQuantizeMatMul")
                .setDomain(MS_DOMAIN)
                .setName(base)
                .addInput(a)
                .addInput(wq)
                .addInput(ws);
        if (bias != null) {
          d.addInput("").addInput(bias);
        }
        g.addNode(d.addOutput(out));
      }
      case MATMUL_INTEGER -> {
        String[] dq = quantizedInputs.computeIfAbsent(a, k -> dynamicQuantize(g, k, base));
        String acc = base + "_int32";
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("MatMulInteger")
                .setName(base + "_mm")
                .addInput(dq[0])
                .addInput(wq)
                .addInput(dq[2])
                .addOutput(acc));
        String accF = base + "_f32";
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("Cast")
                .setName(base + "_cast")
                .addInput(acc)
                .addOutput(accF)
                .addAttribute(intAttribute("to", TensorProto.DataType.FLOAT_VALUE)));
        String scale = base + "_scale";
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("Mul")
                .setName(base + "_scale")
                .addInput(dq[1])
                .addInput(ws)
                .addOutput(scale));
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("Mul")
                .setName(base + "_rescale")
                .addInput(accF)
                .addInput(scale)
                .addOutput(bias == null ? out : base + "_nobias"));
        addBias(g, base, bias, out);
      }
      case QDQ -> {
        String[] dq = quantizedInputs.computeIfAbsent(a, k -> dynamicQuantize(g, k, base));
        String af = base + "_a";
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("DequantizeLinear")
                .setName(base + "_dqa")
                .addInput(dq[0])
                .addInput(dq[1])
                .addInput(dq[2])
                .addOutput(af));
        String wf = base + "_w";
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("DequantizeLinear")
                .setName(base + "_dqw")
                .addInput(wq)
                .addInput(ws)
                .addOutput(wf)
                .addAttribute(intAttribute("axis", 1)));
        g.addNode(
            NodeProto.newBuilder()
                .setOpType("MatMul")
                .setName(base + "_mm")
                .addInput(af)
                .addInput(wf)
                .addOutput(bias == null ? out : base + "_nobias"));
        addBias(g, base, bias, out);
      }
      default -> throw new IllegalStateException(form.name());
    }
  }

  /**
   * Layer index → index of the Add that adds a constant bias [N] to the layer's output, where that
   * Add is the output's only reader: the bias goes into the quantised layer (one pass over the
   * output fewer for DynamicQuantizeMatMul; ORT fuses it for the other forms).
   */
  private static Map<Integer, Integer> biasAdds(
      GraphProto graph, Map<String, TensorProto> inits, List<Layer> layers, Int8Recipe recipe) {
    Map<String, List<Integer>> readers = new HashMap<>();
    for (int i = 0; i < graph.getNodeCount(); i++) {
      for (String in : graph.getNode(i).getInputList()) {
        readers.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
      }
    }
    Set<String> graphOutputs = new HashSet<>();
    graph.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
    Map<Integer, Integer> adds = new HashMap<>();
    for (Layer l : layers) {
      NodeProto n = l.node();
      if (recipe.keepFp32().contains(l.role()) || !n.getOpType().equals("MatMul")) {
        continue;
      }
      String out = n.getOutput(0);
      List<Integer> r = readers.getOrDefault(out, List.of());
      if (r.size() != 1 || graphOutputs.contains(out)) {
        continue;
      }
      NodeProto a = graph.getNode(r.get(0));
      if (!a.getOpType().equals("Add") || !a.getDomain().isEmpty() || a.getInputCount() != 2) {
        continue;
      }
      String other = a.getInput(0).equals(out) ? a.getInput(1) : a.getInput(0);
      TensorProto b = inits.get(other);
      TensorProto w = inits.get(n.getInput(1));
      if (b != null
          && b.getDataType() == TensorProto.DataType.FLOAT_VALUE
          && b.getDimsCount() == 1
          && b.getDims(0) == w.getDims(1)
          && !other.equals(out)) {
        adds.put(l.index(), r.get(0));
      }
    }
    return adds;
  }

  private static String[] dynamicQuantize(GraphProto.Builder g, String a, String base) {
    String[] outs = {base + "_a_u8", base + "_a_scale", base + "_a_zp"};
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("DynamicQuantizeLinear")
            .setName(base + "_dql")
            .addInput(a)
            .addOutput(outs[0])
            .addOutput(outs[1])
            .addOutput(outs[2]));
    return outs;
  }

  private static void addBias(GraphProto.Builder g, String base, String bias, String out) {
    if (bias != null) {
      g.addNode(
          NodeProto.newBuilder()
              .setOpType("Add")
              .setName(base + "_bias")
              .addInput(base + "_nobias")
              .addInput(bias)
              .addOutput(out));
    }
  }

  /** int8 values (row-major [K, N]) and one scale per column. */
  record Quantized(byte[] values, float[] scales) {}

  /**
   * Symmetric per-column quantisation: scale_n = max_k |w[k][n]| / 127 (1 for an all-zero column),
   * q = round(w / scale_n), so |q| ≤ 127 and the zero point is 0.
   */
  static Quantized quantizeColumns(float[][] kn) {
    int k = kn.length;
    int n = kn[0].length;
    float[] scales = new float[n];
    for (int c = 0; c < n; c++) {
      float max = 0;
      for (int r = 0; r < k; r++) {
        max = Math.max(max, Math.abs(kn[r][c]));
      }
      scales[c] = max == 0 ? 1f : max / 127f;
    }
    byte[] q = new byte[k * n];
    for (int r = 0; r < k; r++) {
      for (int c = 0; c < n; c++) {
        long v = Math.round(kn[r][c] / scales[c]);
        q[r * n + c] = (byte) Math.max(-127, Math.min(127, v));
      }
    }
    return new Quantized(q, scales);
  }

  /** The weight as [K, N] (inputs × outputs), transposed back when Gemm has transB = 1. */
  private static float[][] weightKn(TensorProto w, boolean transB) {
    int d0 = (int) w.getDims(0);
    int d1 = (int) w.getDims(1);
    float[] flat = floats(w);
    int k = transB ? d1 : d0;
    int n = transB ? d0 : d1;
    float[][] kn = new float[k][n];
    for (int r = 0; r < d0; r++) {
      for (int c = 0; c < d1; c++) {
        float v = flat[r * d1 + c];
        if (transB) {
          kn[c][r] = v;
        } else {
          kn[r][c] = v;
        }
      }
    }
    return kn;
  }

  /** The values of a float32 initializer, from raw_data or float_data. */
  static float[] floats(TensorProto t) {
    long count = 1;
    for (long d : t.getDimsList()) {
      count *= d;
    }
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
      throw FlowmatchException.unsupported(
          "weight "
              + t.getName()
              + " is stored in an external file; quantise a model with its"
              + " weights inside the .onnx file");
    }
    float[] out = new float[(int) count];
    if (!t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      if (b.remaining() != 4 * count) {
        throw FlowmatchException.badModel(
            "weight " + t.getName() + " has " + b.remaining() + " bytes, expected " + 4 * count);
      }
      b.asFloatBuffer().get(out);
    } else {
      if (t.getFloatDataCount() != count) {
        throw FlowmatchException.badModel(
            "weight "
                + t.getName()
                + " has "
                + t.getFloatDataCount()
                + " values, expected "
                + count);
      }
      for (int i = 0; i < count; i++) {
        out[i] = t.getFloatData(i);
      }
    }
    return out;
  }

  private static TensorProto floatTensor(String name, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return TensorProto.newBuilder()
        .setName(name)
        .setDataType(TensorProto.DataType.FLOAT_VALUE)
        .addDims(values.length)
        .setRawData(ByteString.copyFrom(b.array()))
        .build();
  }

  private static void usedInputs(NodeProto n, Set<String> used) {
    used.addAll(n.getInputList());
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasG() || a.getGraphsCount() > 0) {
        // a subgraph may read any outer initializer: keep them all
        throw FlowmatchException.unsupported(
            "node "
                + n.getName()
                + " ("
                + n.getOpType()
                + ") has a subgraph; the int8 quantiser"
                + " handles flat graphs");
      }
    }
  }

  private static String inputName(GraphProto graph, String wanted) {
    for (OnnxMl.ValueInfoProto v : graph.getInputList()) {
      if (v.getName().equals(wanted)) {
        return wanted;
      }
    }
    throw FlowmatchException.badModel(
        "the model has no input named '" + wanted + "' (the contract: inputs x and t, output v)");
  }

  private static float floatAttr(NodeProto n, String name, float def) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return def;
  }

  private static long intAttr(NodeProto n, String name, long def) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return def;
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(value)
        .build();
  }

  /** Fresh tensor names that collide with nothing in the source graph. */
  private static final class Names {
    private final Set<String> taken = new HashSet<>();
    private int counter;

    Names(GraphProto graph) {
      for (NodeProto n : graph.getNodeList()) {
        taken.addAll(n.getInputList());
        taken.addAll(n.getOutputList());
        taken.add(n.getName());
      }
      for (TensorProto t : graph.getInitializerList()) {
        taken.add(t.getName());
      }
      graph.getInputList().forEach(v -> taken.add(v.getName()));
    }

    /** A name that is free, and whose derived names ({@code name_suffix}) are free too. */
    String fresh(String prefix) {
      while (true) {
        String s = prefix + (counter++ == 0 ? "" : "_" + counter);
        boolean free = !taken.contains(s);
        for (String t : taken) {
          free &= !t.startsWith(s + "_");
        }
        if (free) {
          taken.add(s);
          return s;
        }
      }
    }
  }
}
