/**
 * Time grids optimised for one model, solver and NFE: the error against a tight reference solve on
 * calibration noise is minimised over monotone grids by a derivative-free optimiser (the model has
 * no gradients in ONNX Runtime), checked on held-out noise, and stored as {@code grids.json}.
 */
package io.flowmatch.inference.tune;
