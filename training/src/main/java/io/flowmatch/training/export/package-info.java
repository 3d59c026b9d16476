/**
 * Export of trained velocity networks: {@link io.flowmatch.training.export.OnnxExporter} (graph of
 * the block's architecture, parity check, atomic write) and {@link
 * io.flowmatch.training.export.RunExport} (a training run folder's weights and facts).
 */
package io.flowmatch.training.export;
