package io.flowmatch.inference.cli;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How every command's {@code --help} lists its options: under headings ({@link HelpGroup}), each
 * option with its default value where it has one and its description does not already say it.
 * Options whose default depends on other options (train's {@code --width} follows {@code --model})
 * get their default text from the command ({@link Defaults}).
 */
public final class HelpLayout {
  private HelpLayout() {}

  /** The heading of options that name no group. */
  static final String FIRST = "Options";

  /** The heading of {@code --help} and {@code --version}. */
  static final String HELP = "Help";

  /**
   * Implemented by a command whose options have no initial value (null means "not given", e.g. to
   * keep a resumed run's value) but do have a default: option name to the default's text.
   */
  public interface Defaults {
    /** Default texts by option name (e.g. {@code "--steps" -> "10000"}). */
    Map<String, String> helpDefaults();
  }

  /** Installs the layout on {@code cl} and all its subcommands. */
  public static void install(CommandLine cl) {
    cl.getHelpSectionMap()
        .put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, HelpLayout::options);
    cl.getCommandSpec().usageMessage().showDefaultValues(true);
    for (CommandLine sub : cl.getSubcommands().values()) {
      install(sub);
    }
  }

  /** The grouped option list of one command. */
  static String options(Help help) {
    CommandSpec spec = help.commandSpec();
    Map<String, List<OptionSpec>> groups = groups(spec);
    Map<String, String> extra =
        spec.userObject() instanceof Defaults d ? d.helpDefaults() : Map.of();
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, List<OptionSpec>> g : groups.entrySet()) {
      Help.Layout layout = help.createDefaultLayout();
      Help.IOptionRenderer base = help.createDefaultOptionRenderer();
      Help.IParamLabelRenderer labels = help.createDefaultParamLabelRenderer();
      for (OptionSpec o : g.getValue()) {
        Help.Ansi.Text[][] rows = base.render(o, labels, help.colorScheme());
        layout.layout(o, withDefault(rows, o, extra, help));
      }
      sb.append(String.format(Locale.ROOT, "%n%s:%n", g.getKey())).append(layout);
    }
    return sb.toString();
  }

  /** The options of a command by heading: ungrouped first, then in declaration order, help last. */
  static Map<String, List<OptionSpec>> groups(CommandSpec spec) {
    Map<String, List<OptionSpec>> groups = new LinkedHashMap<>();
    groups.put(FIRST, new ArrayList<>());
    List<OptionSpec> help = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      if (o.usageHelp() || o.versionHelp()) {
        help.add(o);
        continue;
      }
      groups.computeIfAbsent(heading(o), k -> new ArrayList<>()).add(o);
    }
    if (groups.get(FIRST).isEmpty()) {
      groups.remove(FIRST);
    }
    if (!help.isEmpty()) {
      groups.put(HELP, help);
    }
    return groups;
  }

  private static String heading(OptionSpec o) {
    if (o.userObject() instanceof Field f) {
      HelpGroup g = f.getAnnotation(HelpGroup.class);
      if (g == null) {
        g = f.getDeclaringClass().getAnnotation(HelpGroup.class);
      }
      if (g != null) {
        return g.value();
      }
    }
    return FIRST;
  }

  /**
   * picocli's rows for an option, with "Default: X" kept only where it says something: not for
   * flags, not where the description already names the default; and added from {@link Defaults}.
   */
  private static Help.Ansi.Text[][] withDefault(
      Help.Ansi.Text[][] rows, OptionSpec o, Map<String, String> extra, Help help) {
    String description = String.join(" ", o.description()).toLowerCase(Locale.ROOT);
    boolean flag = o.arity().max() == 0;
    boolean saysDefault = description.contains("default");
    List<Help.Ansi.Text[]> kept = new ArrayList<>();
    for (Help.Ansi.Text[] row : rows) {
      String last = row[row.length - 1].plainString().trim();
      if (last.startsWith("Default:") && (flag || saysDefault)) {
        continue;
      }
      kept.add(row);
    }
    String text = extra.get(o.longestName());
    if (text != null && !saysDefault) {
      Help.Ansi.Text[] row = new Help.Ansi.Text[rows[0].length];
      for (int i = 0; i < row.length - 1; i++) {
        row[i] = help.colorScheme().text("");
      }
      row[row.length - 1] = help.colorScheme().text("  Default: " + text);
      kept.add(row);
    }
    return kept.toArray(new Help.Ansi.Text[0][]);
  }
}
