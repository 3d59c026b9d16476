package io.flowmatch.inference.onnx;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.flowmatch.inference.error.FlowmatchException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Declares the lowest ONNX opset a graph needs, so that older runtimes and checkers accept it: the
 * same nodes and weights, with the few forms that differ between opsets rewritten (Split's {@code
 * num_outputs}, opset 18, becomes the opset-13 form that splits evenly into its outputs), the IR
 * version that goes with the opset, and no opset import that no node uses.
 */
public final class OpsetRewrite {
  private OpsetRewrite() {}

  /** The opset every shipped model targets: what onnx 1.12 (Debian 12's python3-onnx) checks. */
  public static final int PORTABLE_OPSET = 17;

  /**
   * The lowest opset of the default domain at which each op, in the form this project writes, has
   * the meaning it has at opset 21. An op not listed keeps a model at its declared opset.
   */
  private static final Map<String, Integer> SINCE =
      Map.ofEntries(
          Map.entry("Add", 14),
          Map.entry("Sub", 14),
          Map.entry("Mul", 14),
          Map.entry("Div", 14),
          Map.entry("MatMul", 13),
          Map.entry("Gemm", 13),
          Map.entry("Concat", 13),
          Map.entry("Reshape", 14),
          Map.entry("Transpose", 13),
          Map.entry("Identity", 16),
          Map.entry("Squeeze", 13),
          Map.entry("Unsqueeze", 13),
          Map.entry("Split", 13),
          Map.entry("Softmax", 13),
          Map.entry("Sigmoid", 13),
          Map.entry("Relu", 14),
          Map.entry("Sin", 7),
          Map.entry("Cos", 7),
          Map.entry("Erf", 13),
          Map.entry("Log", 13),
          Map.entry("Exp", 13),
          Map.entry("Sqrt", 13),
          Map.entry("Reciprocal", 13),
          Map.entry("Neg", 13),
          Map.entry("Tanh", 13),
          Map.entry("Pow", 15),
          Map.entry("Cast", 13),
          Map.entry("Shape", 15),
          Map.entry("Gather", 13),
          Map.entry("Slice", 13),
          Map.entry("Expand", 13),
          Map.entry("Flatten", 13),
          Map.entry("Conv", 11),
          Map.entry("MaxPool", 12),
          Map.entry("AveragePool", 11),
          Map.entry("InstanceNormalization", 6),
          Map.entry("LayerNormalization", 17),
          Map.entry("ReduceSum", 13),
          Map.entry("ReduceMean", 18),
          Map.entry("ReduceMax", 18),
          Map.entry("Resize", 13),
          Map.entry("Where", 16),
          Map.entry("Equal", 13),
          Map.entry("Less", 13),
          Map.entry("Greater", 13),
          Map.entry("Max", 13),
          Map.entry("Min", 13),
          Map.entry("ConstantOfShape", 9),
          Map.entry("Constant", 13),
          Map.entry("Range", 11),
          Map.entry("GroupNormalization", 21));

  /** The lowest opset at which every node of {@code model} keeps its meaning. */
  public static int lowestOpset(ModelProto model) {
    int declared = declared(model);
    int need = 1;
    for (NodeProto n : model.getGraph().getNodeList()) {
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        continue; // other domains keep their own imports
      }
      Integer since = SINCE.get(n.getOpType());
      if (since == null) {
        return declared;
      }
      need = Math.max(need, since);
    }
    return need;
  }

  /**
   * The opset a writer should declare by default: {@link #PORTABLE_OPSET}, or the lowest the graph
   * needs where that is higher (GroupNormalization: 21). Below 17 the graph may well be valid, but
   * 17 is what the shipped models are checked at (onnx 1.12's checker, ONNX Runtime).
   */
  public static int portableOpset(ModelProto model) {
    return Math.max(PORTABLE_OPSET, lowestOpset(model));
  }

  /** The opset of the default domain that {@code model} declares. */
  public static int declared(ModelProto model) {
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        return (int) o.getVersion();
      }
    }
    throw FlowmatchException.badModel("the model declares no opset of the default ONNX domain");
  }

  /**
   * The IR version that goes with an opset (ONNX 1.13: opset 18, IR 8; 1.14: 19, IR 9; 1.16: 21, IR
   * 10).
   */
  public static int irVersion(int opset) {
    return opset <= 18 ? 8 : opset <= 20 ? 9 : 10;
  }

  /**
   * {@code model} declared at {@code opset}, with the rewrites that opset needs and no unused opset
   * imports.
   *
   * @throws FlowmatchException (invalid argument) when a node needs a higher opset
   */
  public static ModelProto rewrite(ModelProto model, int opset) {
    int need = lowestOpset(model);
    if (opset < need) {
      throw FlowmatchException.invalidArgument(
          "--opset " + opset + " is below what the graph needs: opset " + need);
    }
    ModelProto.Builder m = model.toBuilder();
    OnnxMl.GraphProto.Builder g = m.getGraphBuilder();
    Set<String> domains = new HashSet<>();
    for (NodeProto.Builder n : g.getNodeBuilderList()) {
      domains.add(n.getDomain().equals("ai.onnx") ? "" : n.getDomain());
      if (opset < 18 && n.getOpType().equals("Split")) {
        for (int i = n.getAttributeCount() - 1; i >= 0; i--) {
          if (n.getAttribute(i).getName().equals("num_outputs")) {
            if (n.getAttribute(i).getI() != n.getOutputCount()) {
              throw FlowmatchException.badModel(
                  "Split node "
                      + n.getName()
                      + " has num_outputs "
                      + n.getAttribute(i).getI()
                      + " but "
                      + n.getOutputCount()
                      + " outputs");
            }
            // opset 13-17: without a 'split' input the outputs are equal parts, as num_outputs said
            n.removeAttribute(i);
          }
        }
      }
    }
    m.clearOpsetImport();
    m.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
    for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
      if (!o.getDomain().isEmpty()
          && !o.getDomain().equals("ai.onnx")
          && domains.contains(o.getDomain())) {
        m.addOpsetImport(o);
      }
    }
    m.setIrVersion(irVersion(opset));
    return m.build();
  }
}
