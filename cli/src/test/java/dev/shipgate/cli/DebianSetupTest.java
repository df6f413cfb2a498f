package dev.shipgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The live demo's packages: what is missing, what the user is told, and how apt-get is run. */
class DebianSetupTest {
  private static final String ALL = "openssh-server openssh-client util-linux etcd-server"
      + " etcd-client iptables";

  @TempDir Path fs;
  Path log;
  final List<List<String>> ran = new ArrayList<>();
  final List<Map<String, String>> envs = new ArrayList<>();
  final List<String> policyWhileRunning = new ArrayList<>();
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

  @BeforeEach
  void aDebianMachine() throws IOException {
    Files.createDirectories(fs.resolve("etc"));
    Files.writeString(fs.resolve("etc/debian_version"), "12.11\n");
    Files.createDirectories(fs.resolve("usr/sbin"));
    log = fs.resolve("logs/demo-apt-get.log");
  }

  /** An apt-get that records what it was asked and "installs" by creating every executable. */
  int fakeApt(List<String> argv, Map<String, String> env, Path logFile, int exit)
      throws IOException {
    ran.add(argv);
    envs.add(env);
    Path policy = fs.resolve("usr/sbin/policy-rc.d");
    policyWhileRunning.add(Files.isExecutable(policy) ? Files.readString(policy) : "absent");
    Files.writeString(logFile, "E: output of " + argv.get(1) + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    if (exit == 0 && argv.get(1).equals("install")) {
      for (String exe : DemoCommand.LIVE_EXECUTABLES) {
        present(exe);
      }
    }
    return exit;
  }

  void present(String exe) throws IOException {
    Path p = fs.resolve(exe.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  DebianSetup setup(boolean root, boolean apt, int aptExit) {
    return new DebianSetup(new DebianSetup.Host(root, fs, "apt-get"::equals,
        (argv, env, logFile) -> apt ? fakeApt(argv, env, logFile, aptExit) : -1),
        DemoCommand.LIVE_PURPOSE);
  }

  DebianSetup setup(boolean root) {
    return setup(root, true, 0);
  }

  String printed() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldNameThePackagesOfTheMissingExecutablesOnlyInTheOrderAsked() throws IOException {
    present("/usr/bin/ssh-keygen");
    present("/usr/bin/setpriv");

    assertEquals(List.of("/usr/sbin/sshd", "/usr/bin/ssh-keygen", "/usr/bin/setpriv",
        "/usr/bin/etcd", "/usr/bin/etcdctl", "/usr/sbin/iptables"), DemoCommand.LIVE_EXECUTABLES);
    assertEquals(List.of("openssh-server", "etcd-server", "etcd-client", "iptables"),
        setup(true).missingPackages(DemoCommand.LIVE_EXECUTABLES));
  }

  @Test
  void shouldTellANonRootUserTheExactCommandAndFallBackWithoutRunningAptGet() {
    assertFalse(setup(false).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));

    assertEquals("demo: the live demo needs root and " + ALL + ": run as root: apt-get install -y"
        + " --no-install-recommends " + ALL + "; falling back to --import-sample\n", printed());
    assertEquals(List.of(), ran);
  }

  @Test
  void shouldAskANonRootUserForRootWhenNothingIsMissing() throws IOException {
    for (String exe : DemoCommand.LIVE_EXECUTABLES) {
      present(exe);
    }

    assertFalse(setup(false).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));

    assertEquals("demo: the live demo needs root: run it as root; falling back to"
        + " --import-sample\n", printed());
  }

  @Test
  void shouldFallBackOnAMachineThatIsNotDebianEvenAsRoot() throws IOException {
    Files.delete(fs.resolve("etc/debian_version"));
    present("/usr/sbin/sshd");
    present("/usr/bin/ssh-keygen");
    present("/usr/bin/setpriv");
    present("/usr/sbin/iptables");

    DebianSetup.Decision d = setup(true).decide(DemoCommand.LIVE_EXECUTABLES);

    assertEquals(DebianSetup.Action.FALLBACK, d.action());
    assertEquals("demo: the live demo needs etcd-server etcd-client, installed only on Debian with"
        + " apt-get: on Debian run as root: apt-get install -y --no-install-recommends etcd-server"
        + " etcd-client (elsewhere, your system's equivalent); falling back to --import-sample",
        d.line());
    assertFalse(setup(true).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));
    assertEquals(List.of(), ran);
  }

  @Test
  void shouldFallBackOnDebianWithoutAptGet() {
    DebianSetup noApt = new DebianSetup(new DebianSetup.Host(true, fs, name -> false,
        (argv, env, logFile) -> fakeApt(argv, env, logFile, 0)), DemoCommand.LIVE_PURPOSE);

    assertEquals(DebianSetup.Action.FALLBACK, noApt.decide(DemoCommand.LIVE_EXECUTABLES).action());
    assertFalse(noApt.ensure(DemoCommand.LIVE_EXECUTABLES, log, out));
    assertEquals(List.of(), ran);
  }

  @Test
  void shouldBeReadySilentlyAsRootWithEverythingThere() throws IOException {
    for (String exe : DemoCommand.LIVE_EXECUTABLES) {
      present(exe);
    }

    assertTrue(setup(true).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));

    assertEquals("", printed());
    assertEquals(List.of(), ran);
  }

  @Test
  void shouldInstallNonInteractivelyUnderAPolicyRcDThatExistsOnlyWhileAptGetRuns()
      throws IOException {
    present("/usr/bin/ssh-keygen");
    present("/usr/bin/setpriv");

    assertTrue(setup(true).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));

    assertEquals("demo: installing openssh-server etcd-server etcd-client iptables (the live"
        + " demo's 3-node etcd cluster, its sshd per node and iptables partitions) with"
        + " apt-get...\n", printed());
    assertEquals(List.of(List.of("apt-get", "update", "-qq"), List.of("apt-get", "install", "-y",
        "-qq", "--no-install-recommends", "openssh-server", "etcd-server", "etcd-client",
        "iptables")), ran);
    assertEquals(List.of(Map.of("DEBIAN_FRONTEND", "noninteractive"),
        Map.of("DEBIAN_FRONTEND", "noninteractive")), envs);
    String refuse = "#!/bin/sh\n# shipgate: no daemons started while it installs packages\n"
        + "exit 101\n";
    assertEquals(List.of(refuse, refuse), policyWhileRunning);
    assertFalse(Files.exists(fs.resolve("usr/sbin/policy-rc.d")), "removed after apt-get");
    assertEquals("E: output of update\nE: output of install\n", Files.readString(log));
  }

  @Test
  void shouldLeaveTheMachinesOwnPolicyRcDAsItWas() throws IOException {
    Path policy = fs.resolve("usr/sbin/policy-rc.d");
    Files.writeString(policy, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertTrue(setup(true).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));

    assertEquals(List.of("#!/bin/sh\nexit 0\n", "#!/bin/sh\nexit 0\n"), policyWhileRunning);
    assertEquals("#!/bin/sh\nexit 0\n", Files.readString(policy));
  }

  @Test
  void shouldFailInOneLineNamingTheLogWhenAptGetFailsAndStillRemoveThePolicyRcD() {
    ShipgateException e = assertThrows(ShipgateException.class,
        () -> setup(true, true, 100).ensure(DemoCommand.LIVE_EXECUTABLES, log, out));

    assertEquals("apt-get update -qq failed (exit 100); see " + log, e.getMessage());
    assertEquals(1, ran.size(), "no install after a failed update");
    assertFalse(Files.exists(fs.resolve("usr/sbin/policy-rc.d")));
    assertEquals("shipgate: apt-get update -qq failed (exit 100); see " + log,
        "shipgate: " + Main.describe(e));
  }

  @Test
  void shouldFailWhenAptGetSucceedsButAnExecutableIsStillMissing() {
    DebianSetup installsNothing = new DebianSetup(new DebianSetup.Host(true, fs, "apt-get"::equals,
        (argv, env, logFile) -> 0), DemoCommand.LIVE_PURPOSE);

    ShipgateException e = assertThrows(ShipgateException.class,
        () -> installsNothing.ensure(List.of("/usr/bin/etcd"), log, out));

    assertEquals("after apt-get installed etcd-server, still missing: /usr/bin/etcd; see " + log,
        e.getMessage());
  }
}
