/**
 * The patch transformer ({@code --model dit}) for images: its spec record and defaults ({@link
 * io.flowmatch.training.arch.dit.DitSpec}), its DJL block and transformer blocks, and its ONNX
 * graph writer.
 */
package io.flowmatch.training.arch.dit;
