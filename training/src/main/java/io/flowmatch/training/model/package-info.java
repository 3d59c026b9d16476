/**
 * What every velocity network shares, below the architectures: the {@link
 * io.flowmatch.training.model.Architecture} interface and its {@link
 * io.flowmatch.training.model.ModelSpec} and {@link io.flowmatch.training.model.GraphWriter}, the
 * input shapes and parameter counts ({@link io.flowmatch.training.model.FlowModels}), and the
 * layers more than one network uses (time embedding, group norm, SiLU). Each architecture lives in
 * its own package under {@code training.arch}.
 */
package io.flowmatch.training.model;
