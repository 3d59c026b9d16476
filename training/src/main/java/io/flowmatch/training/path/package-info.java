/**
 * Probability paths of flow matching (conditional OT, cosine, polynomial, VP): x_t and the target
 * velocity for a pair of noise and data.
 */
package io.flowmatch.training.path;
