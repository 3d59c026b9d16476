/**
 * ODE solvers for dx/dt = v(x, t) over a batch of samples: fixed-step (Euler, midpoint, Heun, RK4)
 * on time grids, and adaptive Dormand–Prince (batched and Commons Math). Every solver calls its
 * field through one door that counts evaluations and reports non-finite values as a {@link
 * io.flowmatch.inference.error.NonFiniteException}.
 */
package io.flowmatch.inference.solver;
