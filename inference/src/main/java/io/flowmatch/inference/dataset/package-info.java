/**
 * Reference data to score samples against: IDX image and label files, the mixture recorded in a
 * model's metadata, and the lookup of a model's reference set.
 */
package io.flowmatch.inference.dataset;
