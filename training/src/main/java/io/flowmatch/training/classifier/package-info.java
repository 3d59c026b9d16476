/**
 * The Fashion-MNIST classifier behind the image metrics: training, evaluation, and its export to
 * ONNX with a parity check.
 */
package io.flowmatch.training.classifier;
