package io.flowmatch.inference.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** One-line descriptions of I/O errors (NIO's messages are often just a path). */
final class IoMessages {
  private IoMessages() {}

  static String of(IOException e) {
    if (e instanceof javax.imageio.IIOException && e.getCause() instanceof IOException cause) {
      // ImageIO's own message ("I/O error writing PNG file!") hides the cause: a full disk, a
      // file-size limit
      return of(cause);
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder " + e.getMessage();
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied: " + e.getMessage();
    }
    if (e instanceof NotDirectoryException) {
      return "not a folder: " + e.getMessage();
    }
    if (e instanceof FileAlreadyExistsException) {
      return "exists and is not a folder: " + e.getMessage();
    }
    if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
      FileSystemException f = (FileSystemException) e;
      return f.getFile() + ": " + f.getReason().toLowerCase(java.util.Locale.ROOT);
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
