package dev.shipgate.cli.containers;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs a Docker engine: skipped, with the reason printed, where none answers;
 * failed instead where {@code SHIPGATE_REQUIRE_DOCKER=true} (.ci/run), so CI never skips it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(DockerCondition.class)
public @interface RequiresDocker {}
