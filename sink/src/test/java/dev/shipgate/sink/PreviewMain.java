package dev.shipgate.sink;

import java.nio.file.Path;

/** Renders the fixture runs into a directory, to look at the pages: {@code PreviewMain <dir>}. */
public final class PreviewMain {
  private PreviewMain() {}

  public static void main(String[] args) throws Exception {
    RunArtifactsWriter writer = new RunArtifactsWriter(Path.of(args[0]));
    writer.write(Fixtures.r24WithFaults());
    writer.write(Fixtures.r20());
    System.out.println("wrote " + writer.runsRoot());
  }
}
