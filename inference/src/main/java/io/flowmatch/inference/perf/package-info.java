/**
 * Performance accounting: FLOP counts of ONNX graphs, the machine's matmul peak, and a description
 * of the machine for benchmark figures.
 */
package io.flowmatch.inference.perf;
