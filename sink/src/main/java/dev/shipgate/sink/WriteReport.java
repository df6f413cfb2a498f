package dev.shipgate.sink;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@link RunArtifactsWriter} call did.
 *
 * @param directory the directory written into
 * @param written file names whose content changed and were (re)written
 * @param unchanged file names whose content was already current, left untouched
 */
public record WriteReport(Path directory, List<String> written, List<String> unchanged) {
  public WriteReport {
    written = List.copyOf(written);
    unchanged = List.copyOf(unchanged);
  }
}
