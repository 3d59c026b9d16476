/**
 * How flowmatch writes numbers as text, in one place: {@link io.flowmatch.inference.format.Numbers}
 * renders the figures of messages, summaries, tables, CSV, reports and model metadata (always in
 * {@code Locale.ROOT}, so a decimal point whatever the locale).
 */
package io.flowmatch.inference.format;
