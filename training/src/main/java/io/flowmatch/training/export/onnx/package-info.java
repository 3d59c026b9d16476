/**
 * ONNX graphs of trained velocity networks under the public model contract: a graph writer per
 * architecture, float32/float16 precision, a parity check against DJL, and the model metadata.
 */
package io.flowmatch.training.export.onnx;
