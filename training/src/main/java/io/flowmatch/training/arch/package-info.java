/**
 * Architectures as one interface: each velocity network (MLP, U-Net, DiT) is an {@link
 * io.flowmatch.training.arch.Architecture} — its spec record, defaults, DJL block and ONNX graph
 * writer — registered by one line in {@link io.flowmatch.training.arch.Architectures}.
 */
package io.flowmatch.training.arch;
