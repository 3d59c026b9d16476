/**
 * Affine probability paths x_t = α_t·x1 + σ_t·x0 as the sampler sees them: the scalar schedule a
 * model was trained on (read from its metadata), which solvers that predict the data or the noise
 * need.
 */
package io.flowmatch.inference.path;
