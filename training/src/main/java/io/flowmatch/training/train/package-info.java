/**
 * The training loop: configuration, optimizer, EMA, learning-rate schedule, loss, checkpoints and
 * the run folder, log and sample previews.
 */
package io.flowmatch.training.train;
