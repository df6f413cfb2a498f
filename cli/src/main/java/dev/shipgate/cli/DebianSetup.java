package dev.shipgate.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs the Debian packages a command needs: finds which of its executables are missing, and
 * installs their packages with apt-get when it can (root, Debian, apt-get on the PATH), saying so
 * in one line; when it cannot, it says in one line what to run, and the caller takes its other way.
 *
 * <p>apt-get runs non-interactively with its output in a log file, and with a {@code
 * /usr/sbin/policy-rc.d} that refuses to start daemons (exit 101), created only when the machine
 * has none and removed afterwards: openssh-server's and etcd-server's package scripts would
 * otherwise start a system sshd on port 22 and a system etcd on 2379.
 */
public final class DebianSetup {
  private static final Logger log = LoggerFactory.getLogger(DebianSetup.class);

  /** The package that provides each executable, as Debian 12 packages them. */
  public static final Map<String, String> PACKAGES = packages();

  static final String APT_GET = "apt-get";
  static final String POLICY_RC_D = "usr/sbin/policy-rc.d";
  static final String POLICY_RC_D_TEXT = "#!/bin/sh\n# shipgate: no daemons started while it"
      + " installs packages\nexit 101\n";
  static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive");
  private static final long APT_TIMEOUT_MINUTES = 20;

  private static Map<String, String> packages() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("/usr/sbin/sshd", "openssh-server");
    m.put("/usr/bin/ssh-keygen", "openssh-client");
    m.put("/usr/bin/setpriv", "util-linux");
    m.put("/usr/bin/etcd", "etcd-server");
    m.put("/usr/bin/etcdctl", "etcd-client");
    m.put("/usr/bin/redis-server", "redis-server");
    m.put("/usr/sbin/iptables", "iptables");
    return Collections.unmodifiableMap(m);
  }

  /**
   * Runs one command to its end, with {@code env} added to its environment, stdin empty, stdout
   * and stderr appended to {@code log}.
   *
   * @return its exit code
   */
  @FunctionalInterface
  public interface Installer {
    int run(List<String> argv, Map<String, String> env, Path log)
        throws IOException, InterruptedException;
  }

  /**
   * The machine as this class sees it.
   *
   * @param root whether the process runs as root
   * @param fsRoot where the absolute paths it checks and writes ({@code /etc/debian_version}, the
   *     executables, {@code /usr/sbin/policy-rc.d}) are resolved; {@code /} but in tests
   * @param onPath whether a command name is found on the PATH
   * @param installer runs apt-get
   */
  public record Host(boolean root, Path fsRoot, Predicate<String> onPath, Installer installer) {
    /** This machine. */
    public static Host current() {
      return new Host(isRoot(), Path.of("/"), Host::onSystemPath, Host::runProcess);
    }

    boolean debian() {
      return Files.isRegularFile(resolve("/etc/debian_version"));
    }

    boolean hasApt() {
      return onPath.test(APT_GET);
    }

    Path resolve(String absolute) {
      return fsRoot.resolve(absolute.replaceFirst("^/+", ""));
    }

    private static boolean isRoot() {
      try {
        return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
      } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
        return "root".equals(System.getProperty("user.name"));
      }
    }

    private static boolean onSystemPath(String command) {
      String path = System.getenv("PATH");
      if (path == null) {
        return false;
      }
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
          return true;
        }
      }
      return false;
    }

    private static int runProcess(List<String> argv, Map<String, String> env, Path logFile)
        throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectInput(Redirect.from(new File("/dev/null")))
          .redirectOutput(Redirect.appendTo(logFile.toFile()));
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(APT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        throw new IOException("timed out after " + APT_TIMEOUT_MINUTES + " min");
      }
      return p.exitValue();
    }
  }

  /**
   * The command's words for what the packages are for.
   *
   * @param prefix the output's line prefix ({@code demo})
   * @param subject what needs the packages ({@code the live demo})
   * @param why what they are for, in the install line
   * @param otherwise what the command does when it cannot have them
   */
  public record Purpose(String prefix, String subject, String why, String otherwise) {}

  /** What {@link #decide} found. */
  public enum Action {
    /** root, and nothing missing. */
    READY,
    /** root on Debian with apt-get, and {@link Decision#packages()} to install. */
    INSTALL,
    /** not root, or packages missing that cannot be installed here. */
    FALLBACK
  }

  /**
   * @param action what to do
   * @param packages the packages missing, in the order of the executables asked for
   * @param line what to print: nothing for READY
   */
  public record Decision(Action action, List<String> packages, String line) {}

  private final Host host;
  private final Purpose purpose;

  public DebianSetup(Host host, Purpose purpose) {
    this.host = host;
    this.purpose = purpose;
  }

  /** The packages of the executables that are missing (each once, in the order asked for). */
  public List<String> missingPackages(Collection<String> executables) {
    LinkedHashSet<String> missing = new LinkedHashSet<>();
    for (String exe : executables) {
      String pkg = PACKAGES.get(exe);
      if (pkg == null) {
        throw new IllegalArgumentException("no Debian package known for " + exe);
      }
      if (!Files.isExecutable(host.resolve(exe))) {
        missing.add(pkg);
      }
    }
    return List.copyOf(missing);
  }

  /** Whether the executables are there (and the process is root), can be installed, or neither. */
  public Decision decide(Collection<String> executables) {
    List<String> missing = missingPackages(executables);
    String pkgs = String.join(" ", missing);
    String p = purpose.prefix() + ": ";
    boolean apt = host.debian() && host.hasApt();
    if (host.root() && missing.isEmpty()) {
      return new Decision(Action.READY, missing, "");
    }
    if (host.root() && apt) {
      return new Decision(Action.INSTALL, missing, p + "installing " + pkgs + " (" + purpose.why()
          + ") with apt-get...");
    }
    String line;
    if (missing.isEmpty()) {
      line = p + purpose.subject() + " needs root: run it as root";
    } else if (!apt) {
      line = p + purpose.subject() + " needs " + (host.root() ? "" : "root and ") + pkgs
          + ", installed only on Debian with apt-get: on Debian run as root: "
          + String.join(" ", installCommand(missing)) + " (elsewhere, your system's equivalent)";
    } else {
      line = p + purpose.subject() + " needs root and " + pkgs + ": run as root: "
          + String.join(" ", installCommand(missing));
    }
    return new Decision(Action.FALLBACK, missing, line + "; " + purpose.otherwise());
  }

  /** The install command a user runs by hand. */
  static List<String> installCommand(List<String> packages) {
    List<String> argv = new ArrayList<>(List.of(APT_GET, "install", "-y", "--no-install-recommends"));
    argv.addAll(packages);
    return argv;
  }

  /** The commands {@link #install} runs, in order. */
  static List<List<String>> aptCommands(List<String> packages) {
    List<String> install = new ArrayList<>(List.of(APT_GET, "install", "-y", "-qq",
        "--no-install-recommends"));
    install.addAll(packages);
    return List.of(List.of(APT_GET, "update", "-qq"), List.copyOf(install));
  }

  /**
   * Decides, installs when it can, and says so.
   *
   * @return true when the executables are there and the process is root, false when the caller
   *     should take its other way (the reason printed)
   * @throws ShipgateException when apt-get fails, or leaves an executable missing (names the log)
   */
  public boolean ensure(Collection<String> executables, Path logFile, PrintStream out) {
    Decision d = decide(executables);
    switch (d.action()) {
      case READY:
        return true;
      case FALLBACK:
        out.println(d.line());
        return false;
      default:
        out.println(d.line());
        out.flush();
        install(d.packages(), logFile);
        List<String> still = executables.stream()
            .filter(exe -> !Files.isExecutable(host.resolve(exe))).toList();
        if (!still.isEmpty()) {
          throw new ShipgateException("after apt-get installed " + String.join(" ", d.packages())
              + ", still missing: " + String.join(" ", still) + "; see " + logFile);
        }
        return true;
    }
  }

  /**
   * Runs {@link #aptCommands} with {@link #APT_ENV}, output in {@code logFile} (truncated first),
   * with a policy-rc.d that starts no daemon while they run.
   *
   * @throws ShipgateException when a command fails (names the log)
   */
  void install(List<String> packages, Path logFile) {
    try {
      Files.createDirectories(logFile.toAbsolutePath().getParent());
      Files.writeString(logFile, "", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ShipgateException("cannot write " + logFile + ": " + e.getMessage(), e);
    }
    Path policy = host.resolve("/" + POLICY_RC_D);
    boolean created = createPolicyRcD(policy);
    try {
      for (List<String> argv : aptCommands(packages)) {
        int code;
        try {
          code = host.installer().run(argv, APT_ENV, logFile);
        } catch (IOException e) {
          code = -1;
          log.warn("RUN: {} FAILED: {}", argv, e.getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ShipgateException("interrupted while running " + String.join(" ", argv), e);
        }
        log.info("RUN: {} RESULT: exit {} (output in {})", argv, code, logFile);
        if (code != 0) {
          throw new ShipgateException(String.join(" ", argv) + " failed" + (code < 0 ? ""
              : " (exit " + code + ")") + "; see " + logFile);
        }
      }
    } finally {
      if (created) {
        deleteQuietly(policy);
      }
    }
  }

  /** Creates the policy-rc.d that refuses every daemon start, unless one is there already. */
  static boolean createPolicyRcD(Path policy) {
    try {
      Files.createDirectories(policy.getParent());
      Files.writeString(policy, POLICY_RC_D_TEXT, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwxr-xr-x"));
      return true;
    } catch (FileAlreadyExistsException e) {
      log.info("{} exists: apt-get runs under the machine's own", policy);
      return false;
    } catch (IOException e) {
      deleteQuietly(policy);
      throw new ShipgateException("cannot create " + policy + ": " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", p, e.getMessage());
    }
  }
}
