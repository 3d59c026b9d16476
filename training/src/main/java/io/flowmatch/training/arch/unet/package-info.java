/**
 * The U-Net architecture ({@code --model unet}) for images: its spec record and defaults ({@link
 * io.flowmatch.training.arch.unet.UNetSpec}), its DJL block and layers (residual blocks,
 * self-attention, upsampling) and its ONNX graph writer.
 */
package io.flowmatch.training.arch.unet;
