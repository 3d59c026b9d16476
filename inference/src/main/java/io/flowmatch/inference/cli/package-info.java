/**
 * The inference command line (picocli): {@code sample}, {@code encode}, {@code decode}, {@code
 * interpolate}, {@code compare}, {@code eval} and the Gaussian-mixture model builder. The top of
 * the package graph: it turns options into calls on the library packages, and {@link
 * io.flowmatch.inference.cli.Cli} alone maps {@link io.flowmatch.inference.error.ErrorKind}s to
 * exit codes. No library package imports it.
 */
package io.flowmatch.inference.cli;
