package io.flowmatch.inference.jvp;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.field.ModelMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Forward-mode differentiation of a flowmatch velocity model, as a graph transform: from a model
 * with inputs {@code x}, {@code t} and output {@code v}, derives a model with one more input {@code
 * u} (shape and type of {@code x}) and one more output {@code jvp} = J_x v(x, t) · u (shape and
 * type of {@code v}).
 *
 * <p>Every node is kept as it is; after each node whose inputs depend on {@code x}, the nodes of
 * its tangent rule ({@link TangentRules}) follow, so the derived graph stays topologically sorted
 * and ONNX Runtime computes value and tangent in one pass. Tangents of {@code t} and of the weights
 * are zero, so nodes that depend only on them (the time embedding, adaLN modulation) get no tangent
 * nodes at all. A node that depends on {@code x} through an op without a rule fails the transform
 * with an error naming the op.
 */
public final class JvpTransform {
  /** Name of the tangent input. */
  public static final String U = "u";

  /** Name of the tangent output. */
  public static final String JVP = "jvp";

  /** Metadata key marking a derived model. */
  public static final String METADATA_KEY = "flowmatch.jvp";

  private JvpTransform() {}

  /** The ops the transform can differentiate through, sorted. */
  public static Set<String> supportedOps() {
    return TangentRules.supportedOps();
  }

  /**
   * Derives the JVP model.
   *
   * @param model a model following the flowmatch contract
   * @param sampleShape shape of one sample of {@code x} (without the batch axis)
   * @param probeRows the batch size to probe the tensor shapes with (2, or a fixed batch size)
   * @throws FlowmatchException {@code UNSUPPORTED} naming the op when a node on the path from
   *     {@code x} to {@code v} has no tangent rule; {@code BAD_MODEL} when the graph lacks x, t or
   *     v
   */
  public static ModelProto derive(ModelProto model, int[] sampleShape, int probeRows) {
    GraphProto graph = model.getGraph();
    ValueInfoProto x = find(graph.getInputList(), ModelMetadata.INPUT_X, "input");
    find(graph.getInputList(), ModelMetadata.INPUT_T, "input");
    ValueInfoProto v = find(graph.getOutputList(), ModelMetadata.OUTPUT_V, "output");
    for (ValueInfoProto i : graph.getInputList()) {
      if (i.getName().equals(U)) {
        throw FlowmatchException.badModel("jvp: the model already has an input named '" + U + "'");
      }
    }
    if (graph.getNodeList().stream()
        .anyMatch(
            n -> n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0))) {
      throw FlowmatchException.unsupported(
          "jvp: the model has control flow (a node with a subgraph); use --jvp finite-difference"
              + " (approximate)");
    }
    int opset = defaultOpset(model);
    checkSupported(graph);
    Map<String, TensorType> types = ShapeProbe.run(model, sampleShape, probeRows);

    GraphProto.Builder out = graph.toBuilder().clearNode();
    out.addInput(x.toBuilder().setName(U));
    out.addOutput(v.toBuilder().setName(JVP));
    TangentGraph g = new TangentGraph(out, types, opset);
    g.setTangent(ModelMetadata.INPUT_X, U);
    for (NodeProto node : graph.getNodeList()) {
      g.copy(node);
      boolean differentiated = node.getInputList().stream().anyMatch(i -> g.tangent(i) != null);
      if (differentiated) {
        TangentRules.rule(node).apply(g, node);
      }
    }
    String dv = g.tangent(ModelMetadata.OUTPUT_V);
    if (dv == null) {
      dv = g.zerosLike(ModelMetadata.OUTPUT_V); // v does not depend on x
    }
    g.nodeMulti("Identity", List.of(dv), List.of(JVP), List.of());

    ModelProto.Builder derived = model.toBuilder().setGraph(out);
    derived.addMetadataProps(
        StringStringEntryProto.newBuilder()
            .setKey(METADATA_KEY)
            .setValue("forward-mode tangent: input u, output jvp = J_x v . u"));
    return derived.build();
  }

  /**
   * Fails with one error naming every op that lies on a path from {@code x} and has no rule, before
   * anything runs.
   */
  private static void checkSupported(GraphProto graph) {
    java.util.Set<String> dependent = new java.util.HashSet<>(Set.of(ModelMetadata.INPUT_X));
    java.util.Set<String> missing = new java.util.TreeSet<>();
    for (NodeProto node : graph.getNodeList()) {
      if (node.getInputList().stream().anyMatch(dependent::contains)) {
        if (TangentRules.rule(node) == null) {
          missing.add(
              (node.getDomain().isEmpty() ? "" : node.getDomain() + ".") + node.getOpType());
        }
        if (!TangentRules.isZeroTangent(node.getOpType())) {
          dependent.addAll(node.getOutputList());
        }
      }
    }
    if (!missing.isEmpty()) {
      throw FlowmatchException.unsupported(
          "jvp: no tangent rule for op"
              + (missing.size() > 1 ? "s " : " ")
              + String.join(", ", missing)
              + " on the path from x to v; use --jvp finite-difference (approximate)");
    }
  }

  private static int defaultOpset(ModelProto model) {
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return (int) o.getVersion();
      }
    }
    return 1;
  }

  private static ValueInfoProto find(List<ValueInfoProto> list, String name, String what) {
    for (ValueInfoProto i : list) {
      if (i.getName().equals(name)) {
        return i;
      }
    }
    throw FlowmatchException.badModel(
        "jvp: the model has no "
            + what
            + " named '"
            + name
            + "' (the contract: inputs x, t;"
            + " output v)");
  }
}
