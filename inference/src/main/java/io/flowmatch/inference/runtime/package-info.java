/**
 * The process around a run: the one ONNX Runtime environment (telemetry off, its extracted
 * libraries removed), bounds on thread counts, and size checks made before allocating.
 */
package io.flowmatch.inference.runtime;
