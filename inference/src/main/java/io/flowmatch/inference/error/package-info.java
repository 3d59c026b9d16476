/**
 * The one error model of flowmatch: every library failure is a {@link
 * io.flowmatch.inference.error.FlowmatchException} with a {@link
 * io.flowmatch.inference.error.ErrorKind}. Library code throws; only the command line maps kinds to
 * exit codes (usage errors 2, everything else 1).
 */
package io.flowmatch.inference.error;
