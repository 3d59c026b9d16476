/**
 * Models with a closed-form velocity written as ONNX graphs (the Gaussian mixture of {@code
 * models/gmm8.onnx}): reference models whose exact answer is known, for testing the solvers and the
 * runtime end to end.
 */
package io.flowmatch.inference.analytic;
