/**
 * Forward-mode differentiation of ONNX velocity models: {@link
 * io.flowmatch.inference.jvp.JvpTransform} derives from any model that follows the flowmatch
 * contract a second graph with an extra input {@code u} and an extra output {@code jvp} = J_x v ·
 * u, and {@link io.flowmatch.inference.jvp.JvpModel} runs it; {@link
 * io.flowmatch.inference.jvp.FiniteDifferenceJvp} is the approximate fallback for models with ops
 * the transform does not know.
 */
package io.flowmatch.inference.jvp;
