/**
 * Sample quality metrics: energy distance, sliced Wasserstein and Gaussian statistics for point
 * clouds; FID-style Fréchet distance and class histograms from an ONNX classifier for images.
 */
package io.flowmatch.inference.metrics;
