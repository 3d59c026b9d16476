/**
 * The velocity networks in DJL (MLP, U-Net, DiT), their layers, and the model spec that sizes them.
 */
package io.flowmatch.training.model;
