package io.flowmatch.inference.compare;

import io.flowmatch.inference.error.FlowmatchException;
import io.flowmatch.inference.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reference solutions on disk, so {@code compare} and {@code tune-grid} solve a reference once per
 * model, noise and tolerance. A file is keyed by the SHA-256 of the model file's bytes, of the
 * noise floats, and of the solve's settings (method, tolerances, batch, times); its name is that
 * key and its content a short header plus the doubles. Files are written atomically; a file whose
 * header or size does not match is ignored (and replaced by the next solve).
 *
 * <p>The folder is {@code references} under the system property {@code flowmatch.cache} (the tests'
 * build folder), else {@code $FLOWMATCH_CACHE/references}, else {@code
 * $XDG_CACHE_HOME/flowmatch/references}, else {@code ~/.cache/flowmatch/references}.
 */
public final class ReferenceCache {
  private static final byte[] MAGIC = "flowmatch-reference/1\n".getBytes(StandardCharsets.US_ASCII);

  private final Path dir;

  public ReferenceCache(Path dir) {
    this.dir = dir;
  }

  /** The user cache folder for references (see the class comment). */
  public static ReferenceCache userDefault() {
    return new ReferenceCache(userCacheDir(System.getenv()).resolve("references"));
  }

  static Path userCacheDir(Map<String, String> env) {
    String property = System.getProperty("flowmatch.cache");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    String own = env.get("FLOWMATCH_CACHE");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "flowmatch");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "flowmatch");
  }

  public Path dir() {
    return dir;
  }

  /**
   * The key of a reference solve.
   *
   * @param modelHash SHA-256 of the model file (see {@link #sha256(Path)})
   * @param settings the solve's settings in words, e.g. {@code dop853 rtol=1e-6 atol=1e-6
   *     batch=256}
   */
  public static String key(
      String modelHash, float[] noise, int n, int sampleSize, String settings) {
    MessageDigest md = digest();
    md.update(modelHash.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
    long count = (long) n * sampleSize;
    b.putLong(n).putLong(sampleSize);
    for (long i = 0; i < count; i++) {
      if (b.remaining() < 4) {
        md.update(b.array(), 0, b.position());
        b.clear();
      }
      b.putFloat(noise[(int) i]);
    }
    md.update(b.array(), 0, b.position());
    md.update(settings.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest());
  }

  /** SHA-256 of a file's bytes, as hex. */
  public static String sha256(Path file) {
    MessageDigest md = digest();
    try (var in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int r; (r = in.read(buf)) > 0; ) {
        md.update(buf, 0, r);
      }
    } catch (IOException e) {
      throw FlowmatchException.io("cannot read " + file + " to hash it: " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** The cached solution of {@code length} doubles under {@code key}, or null. */
  public double[] load(String key, int length) {
    Path file = dir.resolve(key + ".ref");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      return null;
    }
    if (bytes.length != MAGIC.length + 8L * length
        || !java.util.Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return null;
    }
    double[] x = new double[length];
    ByteBuffer.wrap(bytes, MAGIC.length, 8 * length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .asDoubleBuffer()
        .get(x);
    return x;
  }

  /** Stores a solution under {@code key}, atomically; a cache that cannot be written is skipped. */
  public boolean store(String key, double[] x) {
    ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 8 * x.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC);
    b.asDoubleBuffer().put(x);
    // a cache, not a declared output of the run: written now, kept even if the run fails later
    try {
      AtomicFile.write(dir.resolve(key + ".ref"), b.array());
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
