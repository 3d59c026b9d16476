/**
 * Int8 quantisation of any contract model from its ONNX file: {@link
 * io.flowmatch.inference.quantize.Int8Quantizer} (weights int8 per output channel, activations
 * quantised per call), the parity check against the source ({@link
 * io.flowmatch.inference.quantize.QuantParity}) and the sample-quality check ({@link
 * io.flowmatch.inference.quantize.QuantQuality}).
 */
package io.flowmatch.inference.quantize;
