/**
 * The process around a run: the one ONNX Runtime environment (telemetry off, its extracted
 * libraries removed, and what runs killed while extracting left behind), bounds on thread counts,
 * and size checks made before allocating.
 */
package io.flowmatch.inference.runtime;
