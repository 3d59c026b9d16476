/**
 * The registry of architectures: {@link io.flowmatch.training.arch.Architectures} lists each
 * architecture on one line, and everything that needs an architecture by name (the {@code --model}
 * choices and help, {@code config.json} through {@link io.flowmatch.training.arch.ModelSpecJson},
 * training, export) finds it here. Each architecture lives in its own sub-package ({@code mlp},
 * {@code unet}, {@code dit}): its spec record with defaults, its DJL block, its ONNX graph writer.
 */
package io.flowmatch.training.arch;
