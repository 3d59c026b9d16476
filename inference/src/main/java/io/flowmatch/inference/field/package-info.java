/**
 * Velocity fields v(x, t): the {@link io.flowmatch.inference.field.VelocityField} interface, the
 * ONNX Runtime field that runs an exported model under the public contract (inputs x and t, output
 * v), execution providers and session options, and analytic fields for tests.
 */
package io.flowmatch.inference.field;
