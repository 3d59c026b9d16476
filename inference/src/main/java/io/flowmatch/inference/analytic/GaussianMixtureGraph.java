package io.flowmatch.inference.analytic;

import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.FLOAT16;
import static io.flowmatch.inference.onnx.OnnxGraphBuilder.attr;

import io.flowmatch.inference.field.GaussianMixture;
import io.flowmatch.inference.field.ModelCard;
import io.flowmatch.inference.field.ModelMetadata;
import io.flowmatch.inference.format.Numbers;
import io.flowmatch.inference.onnx.OnnxGraphBuilder;
import io.flowmatch.inference.onnx.OpsetRewrite;
import java.util.Map;

/**
 * The exact OT-path velocity of a {@link GaussianMixture} as an ONNX graph that follows the model
 * contract: inputs {@code x} [N, d] and {@code t} [N], output {@code v} [N, d].
 *
 * <p>Arithmetic is float32 in both variants. The float16 variant takes and returns float16 {@code
 * x}/{@code v} (cast at the graph's edges) but keeps the posterior in float32, as autocast does for
 * softmax: its logits reach magnitudes of ~100 near t = 1, where float16's spacing (1/16) would
 * move the mixture weights by several percent. So the float16 model equals its float32 twin
 * evaluated at float16-rounded x, rounded to float16.
 */
public final class GaussianMixtureGraph {
  private GaussianMixtureGraph() {}

  /** Builds the graph with the standard metadata; {@code dataset} names the mixture, e.g. gmm8. */
  public static OnnxGraphBuilder build(GaussianMixture gmm, boolean fp16, String dataset) {
    int k = gmm.components();
    int d = gmm.dimension();
    int io = fp16 ? FLOAT16 : FLOAT;
    OnnxGraphBuilder g = new OnnxGraphBuilder("gaussian_mixture_velocity");
    g.input(ModelMetadata.INPUT_X, io, -1, d)
        .input(ModelMetadata.INPUT_T, FLOAT, -1)
        .output(ModelMetadata.OUTPUT_V, io, -1, d);

    float[] means = new float[k * d];
    float[] variances = new float[k];
    float[] logWeights = new float[k];
    for (int c = 0; c < k; c++) {
      double[] mu = gmm.mean(c);
      for (int j = 0; j < d; j++) {
        means[c * d + j] = (float) mu[j];
      }
      variances[c] = (float) (gmm.std(c) * gmm.std(c));
      logWeights[c] = (float) Math.log(gmm.weight(c));
    }
    String meansKd = g.floats("means", means, k, d);
    String means1Kd = g.floats("means_1kd", means, 1, k, d);
    String s2 = g.floats("std_squared", variances, 1, k);
    String logPi = g.floats("log_weights", logWeights, 1, k);
    String one = g.scalar("one", FLOAT, 1f);
    String half = g.scalar("half", FLOAT, 0.5f);
    String halfDim = g.scalar("half_dim", FLOAT, 0.5f * d);
    String axis1 = g.longs("axis1", new long[] {1}, 1);
    String axis2 = g.longs("axis2", new long[] {2}, 1);
    String axes12 = g.longs("axes12", new long[] {1, 2}, 2);

    String x =
        fp16 ? g.node("Cast", new String[] {ModelMetadata.INPUT_X}, attr("to", (long) FLOAT)) : "x";
    String tCol = g.node("Unsqueeze", new String[] {ModelMetadata.INPUT_T, axis1}); // [N,1]
    String t3 = g.node("Unsqueeze", new String[] {ModelMetadata.INPUT_T, axes12}); // [N,1,1]
    String oneMinusT = g.node("Sub", new String[] {one, tCol}); // [N,1]

    // σ_k,t² = (1 − t)² + t² s_k²  [N,K]; at least s_k²/(1 + s_k²) > 0 for every t
    String tSquaredS2 = g.node("Mul", new String[] {g.node("Mul", new String[] {tCol, tCol}), s2});
    String variance =
        g.node(
            "Add", new String[] {g.node("Mul", new String[] {oneMinusT, oneMinusT}), tSquaredS2});
    // x − t μ_k  [N,K,d]
    String xRow = g.node("Unsqueeze", new String[] {x, axis1}); // [N,1,d]
    String diff = g.node("Sub", new String[] {xRow, g.node("Mul", new String[] {t3, means1Kd})});
    String squared =
        g.node(
            "ReduceSum",
            new String[] {g.node("Mul", new String[] {diff, diff}), axis2},
            attr("keepdims", 0L)); // [N,K]
    // log π_k − (d/2) log σ_k,t² − |x − t μ_k|² / (2 σ_k,t²); Softmax subtracts the row maximum
    String logNormalizer =
        g.node("Mul", new String[] {halfDim, g.node("Log", new String[] {variance})});
    String exponent =
        g.node("Div", new String[] {g.node("Mul", new String[] {half, squared}), variance});
    String logits =
        g.node("Sub", new String[] {g.node("Sub", new String[] {logPi, logNormalizer}), exponent});
    String posterior = g.node("Softmax", new String[] {logits}, attr("axis", 1L)); // [N,K]
    // (t s_k² − (1 − t)) / σ_k,t²  [N,K]
    String coef =
        g.node(
            "Div",
            new String[] {
              g.node("Sub", new String[] {g.node("Mul", new String[] {tCol, s2}), oneMinusT}),
              variance
            });
    // v = Σ_k w_k μ_k + Σ_k w_k coef_k (x − t μ_k)
    String meanPart = g.node("MatMul", new String[] {posterior, meansKd}); // [N,d]
    String weightedCoef =
        g.node("Unsqueeze", new String[] {g.node("Mul", new String[] {posterior, coef}), axis2});
    String diffPart =
        g.node(
            "ReduceSum",
            new String[] {g.node("Mul", new String[] {weightedCoef, diff}), axis1},
            attr("keepdims", 0L)); // [N,d]
    if (fp16) {
      String sum = g.node("Add", new String[] {meanPart, diffPart});
      g.nodeNamed("Cast", ModelMetadata.OUTPUT_V, new String[] {sum}, attr("to", (long) FLOAT16));
    } else {
      g.nodeNamed("Add", ModelMetadata.OUTPUT_V, new String[] {meanPart, diffPart});
    }

    double extent = Double.parseDouble(number(gmm.extent()));
    ModelCard card =
        ModelCard.builder()
            .dataShape(d)
            .dataRange(-extent, extent)
            .path("condot", Map.of("sigma_min", 0.0))
            .sigmaMin(0.0)
            .architecture(ModelCard.ANALYTIC_GMM)
            .dataset(dataset)
            .precision(fp16 ? "fp16" : "fp32")
            .mixture(gmm)
            .description(describe(gmm))
            .put(ModelMetadata.TIME_CONVENTION, ModelMetadata.TIME_CONVENTION_VALUE)
            .build();
    card.toProps().forEach(g::metadata);
    return g;
  }

  /**
   * The model file's bytes: {@link #build}'s graph declared at the portable opset ({@link
   * OpsetRewrite#portableOpset}: 17, what onnx 1.12's checker accepts; every op of this graph has
   * its opset-21 meaning there) with no unused opset imports. What {@code models/gmm8*.onnx} hold.
   */
  public static byte[] toBytes(GaussianMixture gmm, boolean fp16, String dataset) {
    ai.onnx.proto.OnnxMl.ModelProto m = build(gmm, fp16, dataset).build();
    return OpsetRewrite.rewrite(m, OpsetRewrite.portableOpset(m)).toByteArray();
  }

  /** A one-line description of the mixture for the metadata and the model card. */
  static String describe(GaussianMixture gmm) {
    StringBuilder sb = new StringBuilder();
    sb.append("exact OT-path velocity from N(0,I) to a mixture of ")
        .append(gmm.components())
        .append(" Gaussians: ");
    for (int c = 0; c < gmm.components(); c++) {
      if (c > 0) {
        sb.append("; ");
      }
      sb.append("w=").append(number(gmm.weight(c))).append(" mean=(");
      double[] mu = gmm.mean(c);
      for (int j = 0; j < mu.length; j++) {
        sb.append(j > 0 ? "," : "").append(number(mu[j]));
      }
      sb.append(") std=").append(number(gmm.std(c)));
    }
    return sb.toString();
  }

  /** A short decimal without trailing zeros: 4, 0.5, 2.828427. */
  public static String number(double value) {
    return Numbers.trimmed(Math.abs(value) < 5e-7 ? 0.0 : value, 6);
  }
}
