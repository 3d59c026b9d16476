package io.flowmatch.training.runtime;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import io.flowmatch.inference.runtime.ExtractionOrphans;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Loads DJL's PyTorch engine after removing what runs killed during DJL's first-start extraction
 * left in its engine cache. DJL copies the natives (about 450 MB; tens of seconds on a loaded
 * machine) into a {@code tmp*} folder of {@code ENGINE_CACHE_DIR/pytorch} and renames it when
 * complete, and the JNI library through a {@code jni*tmp} file in the version folder; a {@code kill
 * -9} in between leaves them for good, and DJL never looks at them again.
 */
public final class PyTorchRuntime {
  private static final Pattern NATIVES_TMP = Pattern.compile("tmp\\d+");
  private static final Pattern JNI_TMP = Pattern.compile("jni\\d+tmp");

  private PyTorchRuntime() {}

  /** The engine, loading the PyTorch natives on the first call. */
  public static Engine engine() {
    removeOrphans(Utils.getEngineCacheDir("pytorch"));
    return Engine.getInstance();
  }

  /**
   * Removes orphaned extraction folders and JNI temp files under DJL's PyTorch cache folder.
   *
   * @return what was removed
   */
  public static List<Path> removeOrphans(Path cache) {
    List<Path> removed =
        new ArrayList<>(
            ExtractionOrphans.sweep(
                cache,
                p ->
                    NATIVES_TMP.matcher(p.getFileName().toString()).matches()
                        && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)));
    if (!Files.isDirectory(cache)) {
      return removed;
    }
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(cache, Files::isDirectory)) {
      for (Path v : versions) {
        removed.addAll(
            ExtractionOrphans.sweep(
                v,
                p ->
                    JNI_TMP.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)));
      }
    } catch (IOException e) {
      // an unreadable cache holds nothing we can remove
    }
    return removed;
  }
}
