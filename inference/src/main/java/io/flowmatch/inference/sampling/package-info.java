/**
 * Sampling runs: noise sources, the batched {@link io.flowmatch.inference.sampling.Sampler} that
 * integrates a field from noise to data (or back) in batches, trajectories and interpolation.
 */
package io.flowmatch.inference.sampling;
