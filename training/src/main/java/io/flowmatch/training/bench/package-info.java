/**
 * Benchmarks that print figures: sampling grids over solvers, threads and batches, ONNX Runtime
 * against DJL, op profiles and training throughput of each architecture.
 */
package io.flowmatch.training.bench;
