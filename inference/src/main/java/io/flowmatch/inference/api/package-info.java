/**
 * The public Java API of flowmatch inference: open a model ({@link
 * io.flowmatch.inference.api.FlowModel}) on a {@link io.flowmatch.inference.api.Device}, pick a
 * {@link io.flowmatch.inference.api.Solver}, then sample, encode, decode and interpolate through
 * {@link io.flowmatch.inference.api.FlowSampler}; compare solvers with {@link
 * io.flowmatch.inference.api.Comparison} and score samples with {@link
 * io.flowmatch.inference.api.QualityMetrics}.
 *
 * <p>Settings are immutable values checked where they are built; everything native is {@link
 * AutoCloseable}. Errors are {@link io.flowmatch.inference.error.FlowmatchException}s with a kind.
 * The classes are thin facades over {@code field}, {@code solver}, {@code sampling}, {@code
 * compare} and {@code metrics}: the command line runs the same code, so the same settings give
 * bit-identical results.
 */
package io.flowmatch.inference.api;
