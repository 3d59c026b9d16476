package io.flowmatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's GPU switch: {@code FLOWMATCH_GPU=1 ./flowmatch} builds with the Maven profile
 * {@code cuda} and runs from its own class path file, so the CPU build is neither used nor rebuilt.
 * The launcher runs on a copy of the project's layout with stand-ins for {@code mvn} and {@code
 * java} that record their arguments (no GPU, and no 642 MB GPU jar, is needed to check the choice).
 */
class LauncherGpuSwitchTest {
  @TempDir Path root;
  Path bin;

  @BeforeEach
  void layout() throws Exception {
    Files.copy(Path.of("..", "flowmatch"), root.resolve("flowmatch"));
    for (String f : List.of("pom.xml", "inference/pom.xml", "training/pom.xml")) {
      Files.createDirectories(root.resolve(f).getParent());
      Files.writeString(root.resolve(f), "<project/>");
    }
    Files.createDirectories(root.resolve("inference/src/main"));
    Files.createDirectories(root.resolve("training/src/main"));
    Files.createDirectories(root.resolve("training/target"));
    bin = Files.createDirectories(root.resolve("fake-bin"));
    script("mvn", "echo \"$*\" >> \"" + root.resolve("mvn.args") + "\"");
    script("java", "echo \"$*\" > \"" + root.resolve("java.args") + "\"");
  }

  private void script(String name, String body) throws Exception {
    Path p = bin.resolve(name);
    Files.writeString(p, "#!/usr/bin/env bash\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** A class path file newer than the sources, so the launcher does not build. */
  private void built(String file, String content) throws Exception {
    Path p = root.resolve("training/target").resolve(file);
    Files.writeString(p, content);
    Files.setLastModifiedTime(p, FileTime.from(Instant.now().plusSeconds(60)));
  }

  private String launch(boolean gpu) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("flowmatch").toString(), "sample");
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("FLOWMATCH_GPU");
    if (gpu) {
      pb.environment().put("FLOWMATCH_GPU", "1");
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return Files.readString(root.resolve("java.args"));
  }

  @Test
  void eachBuildRunsFromItsOwnClassPath() throws Exception {
    built("classpath.txt", "cpu-runtime.jar");
    built("classpath-gpu.txt", "gpu-runtime.jar");
    assertTrue(launch(false).contains("/training/target/classes:cpu-runtime.jar "));
    assertTrue(launch(true).contains("/training/target/classes:gpu-runtime.jar "));
    assertFalse(Files.exists(root.resolve("mvn.args")), "nothing was built");
  }

  @Test
  void theGpuBuildUsesTheCudaProfileAndLeavesTheCpuBuildAlone() throws Exception {
    built("classpath.txt", "cpu-runtime.jar");
    launch(true);
    String mvn = Files.readString(root.resolve("mvn.args"));
    assertTrue(mvn.contains("-Pcuda") && mvn.contains("compile -pl training -am"), mvn);
    assertTrue(Files.exists(root.resolve("training/target/classpath-gpu.txt")));
    assertEquals(
        "cpu-runtime.jar", Files.readString(root.resolve("training/target/classpath.txt")));

    Files.delete(root.resolve("mvn.args"));
    Files.delete(root.resolve("training/target/classpath.txt"));
    launch(false);
    assertFalse(Files.readString(root.resolve("mvn.args")).contains("-Pcuda"));
  }

  /** The cuda profile writes classpath-gpu.txt (the file the launcher reads), not classpath.txt. */
  @Test
  void theCudaProfileNamesItsOwnClassPathFile() throws Exception {
    String pom = Files.readString(Path.of("..", "pom.xml"));
    int profile = pom.indexOf("<id>cuda</id>");
    int end = pom.indexOf("</profile>", profile);
    String cuda = pom.substring(profile, end);
    assertTrue(cuda.contains("<onnxruntime.artifact>onnxruntime_gpu</onnxruntime.artifact>"), cuda);
    assertTrue(
        cuda.contains("<flowmatch.classpath.file>classpath-gpu.txt</flowmatch.classpath.file>"),
        cuda);
    for (String module : List.of("inference", "training")) {
      assertTrue(
          Files.readString(Path.of("..", module, "pom.xml"))
              .contains("<outputFile>${project.build.directory}/${flowmatch.classpath.file}"),
          module);
    }
  }
}
