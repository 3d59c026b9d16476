/**
 * The MLP architecture ({@code --model mlp}) for flattened samples: its spec record and defaults
 * ({@link io.flowmatch.training.arch.mlp.MlpSpec}), its DJL block and its ONNX graph writer.
 */
package io.flowmatch.training.arch.mlp;
