package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's command block: every {@code ./flowmatch} line parses (the command and its options
 * exist, values have their types), and none writes into the shipped {@code models/} folder. Running
 * them in order is done by hand on a fresh clone (slow); this catches a renamed option.
 */
class ReadmeCommandsTest {
  static List<List<String>> commands() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String block = readme.substring(readme.indexOf("## Commands\n"));
    block = block.substring(block.indexOf("```bash\n") + 8);
    block = block.substring(0, block.indexOf("```"));
    List<List<String>> commands = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String l : block.split("\n")) {
      String s = l.strip();
      if (s.isEmpty() || (s.startsWith("#") && line.length() == 0)) {
        continue;
      }
      boolean more = s.endsWith("\\");
      line.append(more ? s.substring(0, s.length() - 1) : s).append(' ');
      if (!more) {
        commands.add(words(line.toString()));
        line.setLength(0);
      }
    }
    return commands;
  }

  /** Shell words: double quotes group, an unquoted # starts a comment. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (!quoted && c == '#') {
        break;
      } else if (!quoted && Character.isWhitespace(c)) {
        if (any) {
          words.add(w.toString());
        }
        w.setLength(0);
        any = false;
      } else {
        w.append(c);
        any = true;
      }
    }
    if (any) {
      words.add(w.toString());
    }
    return words;
  }

  @Test
  void everyCommandParses() throws Exception {
    List<List<String>> commands = commands();
    assertTrue(commands.size() >= 25, "commands found: " + commands.size());
    for (List<String> c : commands) {
      assertTrue(c.get(0).equals("./flowmatch"), String.join(" ", c));
      CommandLine cl = new CommandLine(new Main());
      Commands.register(cl);
      try {
        cl.parseArgs(c.subList(1, c.size()).toArray(new String[0]));
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError(String.join(" ", c) + ": " + e.getMessage(), e);
      }
      for (int i = 1; i + 1 < c.size(); i++) {
        if (List.of("--out", "--save-npy", "--save-trajectory", "--log-prob").contains(c.get(i))) {
          assertFalse(
              c.get(i + 1).startsWith("models/"),
              "overwrites a shipped model: " + String.join(" ", c));
        }
      }
    }
  }
}
