package dev.shipgate.cli.containers;

import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/** Every container of these tests uses a locally built image: asking to pull one is a bug. */
public final class NeverPull implements ImagePullPolicy {
  public static final NeverPull INSTANCE = new NeverPull();

  private NeverPull() {}

  @Override
  public boolean shouldPull(DockerImageName imageName) {
    return false;
  }
}
