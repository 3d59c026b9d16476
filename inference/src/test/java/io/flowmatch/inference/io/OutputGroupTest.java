package io.flowmatch.inference.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.flowmatch.inference.error.ErrorKind;
import io.flowmatch.inference.error.FlowmatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's outputs are committed all or none, also when the commit itself fails half-way. */
class OutputGroupTest {
  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aCommitThatFailsHalfWayPutsEveryTargetBack() throws IOException {
    Path a = Files.writeString(dir.resolve("a.txt"), "old a");
    Path b = dir.resolve("b.txt");
    Path c = Files.writeString(dir.resolve("c.txt"), "old c");
    try (OutputGroup g = OutputGroup.declare().file(a).file(b).file(c).open()) {
      AtomicFile.writeString(a, "new a");
      AtomicFile.writeString(b, "new b");
      AtomicFile fc = AtomicFile.create(c);
      Files.writeString(fc.temp(), "new c");
      fc.commit();
      // the third move fails after two files are in place: its temporary file vanished
      Files.delete(fc.temp());
      assertThrows(NoSuchFileException.class, g::commit);
    }
    assertEquals("old a", Files.readString(a), "a replaced target is put back");
    assertFalse(Files.exists(b), "a new target is taken back out");
    assertEquals("old c", Files.readString(c));
    assertEquals(List.of("a.txt", "c.txt"), names(), "no temporary or kept file is left");
  }

  @Test
  void aCommitReplacesTargetsAndLeavesNothingElse() throws IOException {
    Path a = Files.writeString(dir.resolve("a.txt"), "old a");
    Path b = dir.resolve("b.txt");
    try (OutputGroup g = OutputGroup.declare().file(a).folder(dir.resolve("sub")).open()) {
      AtomicFile.writeString(a, "new a");
      AtomicFile.writeString(b, "new b");
      AtomicFile.writeString(dir.resolve("sub/deeper/c.txt"), "new c");
      assertEquals("old a", Files.readString(a), "nothing moves before the commit");
      assertEquals("new b", Files.readString(b), "an undeclared file is no output: written now");
      assertFalse(Files.exists(dir.resolve("sub/deeper/c.txt")), "a declared folder's file waits");
      g.commit();
    }
    assertEquals("new a", Files.readString(a));
    assertEquals("new b", Files.readString(b));
    assertEquals("new c", Files.readString(dir.resolve("sub/deeper/c.txt")));
    assertEquals(List.of("a.txt", "b.txt", "sub"), names());
  }

  @Test
  void twoDeclaredOutputsNamingOneFileAreRefusedBeforeAnyWrite() throws IOException {
    Path a = dir.resolve("a.txt");
    FlowmatchException e =
        assertThrows(
            FlowmatchException.class,
            () -> OutputGroup.declare().file(a).file(dir.resolve("x/../a.txt")).open());
    assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
    assertEquals(
        "two outputs of this run name the same file "
            + dir.toRealPath().resolve("a.txt")
            + "; give each output its own file",
        e.getMessage());
    // the refused group never opened: a file written now is no output and moves at its commit
    AtomicFile.writeString(a, "a");
    assertEquals(List.of("a.txt"), names());
  }

  @Test
  void aGroupClosedWithoutCommitLeavesNoFile() throws IOException {
    try (OutputGroup g = OutputGroup.declare().file(dir.resolve("a.txt")).open()) {
      AtomicFile.writeString(dir.resolve("a.txt"), "new a");
      assertEquals(1, names().size(), "the temporary file exists until the group closes");
    }
    assertEquals(List.of(), names());
  }
}
