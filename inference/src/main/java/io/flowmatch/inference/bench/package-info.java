/**
 * The sampling benchmark without DJL: the grid of models × threads × batch sizes × solvers measured
 * side by side ({@link io.flowmatch.inference.bench.SamplingGrid}), its solver settings and its
 * tables (text, ratios, CSV). The training module's {@code bench} command drives it and adds the
 * DJL comparisons.
 */
package io.flowmatch.inference.bench;
