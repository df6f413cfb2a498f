package dev.shipgate.cli.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRecipeTest {

  @Test
  void shouldReadTheMirrorFromDeb822SourcesAndSkipTheSecurityMirror(@TempDir Path etc)
      throws IOException {
    Files.createDirectories(etc.resolve("sources.list.d"));
    Files.writeString(etc.resolve("sources.list.d/debian.sources"), String.join("\n",
        "Types: deb", "URIs: http://deb.debian.org/debian-security", "Suites: bookworm-security",
        "", "Types: deb", "URIs: http://mirror.example/debian", "Suites: bookworm", ""));
    // the deb822 file lists the security mirror first: it must not be chosen
    assertEquals(Optional.of("http://mirror.example/debian"), BaseImage.mirror(etc));
  }

  @Test
  void shouldReadTheMirrorFromAOneLineSourcesList(@TempDir Path etc) throws IOException {
    Files.writeString(etc.resolve("sources.list"),
        "# comment\ndeb [arch=amd64] http://ftp.example/debian bookworm main\n");
    assertEquals(Optional.of("http://ftp.example/debian"), BaseImage.mirror(etc));
    assertEquals(Optional.empty(), BaseImage.mirror(etc.resolve("nothing-here")));
  }

  @Test
  void shouldHashContentNotTimesAndSeeAnExecutableBitOrARename(@TempDir Path dir)
      throws IOException {
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM shipgate-base:bookworm-jre17\n");
    Path run = Files.writeString(ctx.resolve("run"), "#!/bin/sh\n");
    String h1 = ContentHash.of(ctx, "from x");
    Files.setLastModifiedTime(run, java.nio.file.attribute.FileTime.fromMillis(0));
    assertEquals(h1, ContentHash.of(ctx, "from x"), "a touched file is the same content");
    assertNotEquals(h1, ContentHash.of(ctx, "from y"), "another parent is another image");
    run.toFile().setExecutable(true);
    String h2 = ContentHash.of(ctx, "from x");
    assertNotEquals(h1, h2, "the executable bit is content");
    Files.move(run, ctx.resolve("run2"));
    assertNotEquals(h2, ContentHash.of(ctx, "from x"), "a rename is content");
  }
}
