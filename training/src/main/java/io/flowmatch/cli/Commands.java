package io.flowmatch.cli;

import picocli.CommandLine;

/** The list of subcommands of {@code flowmatch}. */
final class Commands {
  private Commands() {}

  static void register(CommandLine cl) {
    cl.addSubcommand("sample", new io.flowmatch.inference.cli.SampleCommand());
  }
}
