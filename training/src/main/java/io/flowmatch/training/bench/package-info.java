/**
 * Benchmarks that need DJL and print figures: ONNX Runtime against DJL, op profiles and training
 * throughput of each architecture.
 */
package io.flowmatch.training.bench;
