/**
 * File formats and encodings: NumPy {@code .npy} reading and streaming writing, float16 conversion,
 * raw float files, image grids of samples, and atomic file writes.
 */
package io.flowmatch.inference.io;
