package io.flowmatch.inference.compare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * What made a results file: the flowmatch version, the source revision (git's short hash of the
 * flowmatch folder, {@code unknown} without git) and the UTC date, so that figures can be traced.
 */
public record Provenance(String version, String revision, String date) {

  /** The running flowmatch's provenance, dated now. */
  public static Provenance current() {
    return new Provenance(
        currentVersion(),
        currentRevision(),
        Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
  }

  /** The project version Maven wrote into {@code flowmatch.properties}, or {@code unknown}. */
  public static String currentVersion() {
    try (InputStream in =
        Provenance.class.getResourceAsStream("/io/flowmatch/inference/flowmatch.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "unknown");
      return v.startsWith("${") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /**
   * {@code git rev-parse --short HEAD} in the flowmatch folder (system property {@code
   * flowmatch.home}, else the working folder), or {@code unknown}.
   */
  public static String currentRevision() {
    String home = System.getProperty("flowmatch.home");
    Path dir = Path.of(home != null && !home.isBlank() ? home : ".");
    try {
      Process p =
          new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "--short", "HEAD")
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "unknown";
      }
      String rev = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return p.exitValue() == 0 && rev.matches("[0-9a-f]{4,40}") ? rev : "unknown";
    } catch (IOException e) {
      return "unknown"; // no git on this machine
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  /**
   * Writes {@code flowmatch_version}, {@code revision} and {@code date} as keys of an open object.
   */
  void write(ResultJson.Json j) {
    j.key("flowmatch_version").string(version);
    j.key("revision").string(revision);
    j.key("date").string(date);
  }

  /** The same keys, for other commands' JSON. */
  public void writeTo(ResultJson.Json j) {
    write(j);
  }
}
