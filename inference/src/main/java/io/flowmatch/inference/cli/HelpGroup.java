package io.flowmatch.inference.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The heading an option is listed under in a command's {@code --help}. On an option field it names
 * that option's group; on a mixin class (e.g. {@link SolverOptions}) it is the group of every
 * option the class declares. Options without one are listed first, under "Options:". Read by {@link
 * HelpLayout}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.TYPE})
public @interface HelpGroup {
  /** The heading, without the colon, e.g. "Solver". */
  String value();
}
