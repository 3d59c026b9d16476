/**
 * The full toolkit's command line: the inference commands plus {@code train}, {@code export},
 * {@code train-classifier} and {@code bench}. Top of the package graph; nothing imports it.
 */
package io.flowmatch.cli;
