/**
 * ONNX graphs of trained velocity networks under the public model contract: the graph pieces the
 * architectures' writers share (ops, time embedding, group norm), float32/float16 precision, a
 * parity check against DJL, and the model metadata. Each architecture's own writer lives in its
 * package under {@code training.arch}.
 */
package io.flowmatch.training.export.onnx;
