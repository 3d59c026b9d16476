/**
 * Progress on stderr, the same for every command: a bar redrawn in place when stderr is a terminal,
 * plain periodic lines when it is a pipe or file, nothing with {@code --quiet}.
 */
package io.flowmatch.inference.progress;
