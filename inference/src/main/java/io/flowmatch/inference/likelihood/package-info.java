/**
 * Exact log-likelihoods of flow-matching models as continuous normalizing flows: log p₁(x) = log
 * p₀(z) − ∫₀¹ div v(x_t, t) dt along the ODE from the data point x (t = 1) to its code z (t = 0),
 * integrated as the augmented ODE [x, ∫div] with any of the project's solvers ({@link
 * io.flowmatch.inference.likelihood.Likelihood}); the divergence exactly (one JVP per dimension) or
 * by Hutchinson's estimator with probes fixed along each trajectory.
 */
package io.flowmatch.inference.likelihood;
