/**
 * Mixed precision training: float16 compute with a float32 master copy and dynamic loss scaling.
 */
package io.flowmatch.training.precision;
