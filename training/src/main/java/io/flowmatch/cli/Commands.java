package io.flowmatch.cli;

import picocli.CommandLine;

/** The list of subcommands of {@code flowmatch}. */
final class Commands {
  private Commands() {}

  static void register(CommandLine cl) {
    cl.addSubcommand("sample", new io.flowmatch.inference.cli.SampleCommand());
    cl.addSubcommand("encode", new io.flowmatch.inference.cli.EncodeCommand());
    cl.addSubcommand("decode", new io.flowmatch.inference.cli.DecodeCommand());
    cl.addSubcommand("interpolate", new io.flowmatch.inference.cli.InterpolateCommand());
    cl.addSubcommand("compare", new io.flowmatch.inference.cli.CompareCommand());
    cl.addSubcommand("tune-grid", new io.flowmatch.inference.cli.TuneGridCommand());
    cl.addSubcommand("eval", new io.flowmatch.inference.cli.EvalCommand());
    cl.addSubcommand("train", new TrainCommand());
    cl.addSubcommand("export", new ExportCommand());
    cl.addSubcommand("train-classifier", new TrainClassifierCommand());
    cl.addSubcommand("bench", new BenchCommand());
  }
}
