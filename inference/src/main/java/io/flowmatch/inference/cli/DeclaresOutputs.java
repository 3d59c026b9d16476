package io.flowmatch.inference.cli;

import io.flowmatch.inference.io.OutputGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A command that writes output files names them before it runs: {@link Cli} opens an {@link
 * OutputGroup} with what it declares, and commits those files together when the command succeeds (a
 * failed run commits none). A file a command writes without declaring it is no output of the run (a
 * cache, a checkpoint, a shard manifest) and is written on its own; {@link
 * #undeclaredOutputOptions} lets each CLI's tests check that no output option is forgotten.
 */
public interface DeclaresOutputs {
  /** Option names that say an option names a file or folder the command writes. */
  Set<String> OUTPUT_OPTIONS =
      Set.of(
          "--out",
          "--save-npy",
          "--save-trajectory",
          "--save-model",
          "--log-prob",
          "--csv",
          "--merge");

  /** Adds this command's output files and folders, as the parsed options name them. */
  void declareOutputs(OutputGroup.Declaration outputs);

  /**
   * The output options ({@link #OUTPUT_OPTIONS}, of type {@link Path}) of {@code root}'s commands
   * that their command does not declare when given, as "COMMAND --option", in command order: each
   * option is set to a probe path in turn and the command asked for its declaration.
   */
  static List<String> undeclaredOutputOptions(CommandLine root) {
    List<String> missing = new ArrayList<>();
    List<CommandLine> commands = new ArrayList<>(List.of(root));
    for (int i = 0; i < commands.size(); i++) {
      CommandLine c = commands.get(i);
      commands.addAll(c.getSubcommands().values());
      for (OptionSpec o : c.getCommandSpec().options()) {
        if (!OUTPUT_OPTIONS.contains(o.longestName()) || o.type() != Path.class) {
          continue;
        }
        Path probe = Path.of("declared-output-probe.npy").toAbsolutePath();
        Object before = o.getValue();
        o.setValue(probe);
        try {
          OutputGroup.Declaration d = OutputGroup.declare();
          if (c.getCommand() instanceof DeclaresOutputs command) {
            command.declareOutputs(d);
          }
          if (!d.files().contains(probe) && !d.folders().contains(probe)) {
            missing.add(c.getCommandName() + " " + o.longestName());
          }
        } finally {
          o.setValue(before);
        }
      }
    }
    return missing;
  }
}
