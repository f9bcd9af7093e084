package org.sacip.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.testing.Prerequisites;
import org.sacip.tools.testing.FakeAgent;

/**
 * bin/sacipctl, run for real in a copy of the repository layout: the "not built" message, the exit statuses of a
 * separate JVM, and a kernel EACCES on connect (as user nobody) mapped to exit 4.
 */
class LauncherTest {
    private static final Path LAUNCHER = Path.of("..", "bin", "sacipctl").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    record Outcome(int exitCode, String out, String err) {
    }

    @Test
    void withoutABuildItSaysHowToBuildAndExitsTwo() throws Exception {
        Path root = layout(false);
        Outcome outcome = run(List.of(), root.resolve("bin/sacipctl").toString(), "status");
        assertEquals(2, outcome.exitCode());
        assertEquals("sacipctl: not built yet: run bin/test or mvn -B package -DskipTests\n", outcome.err());
    }

    @Test
    void aBuiltLauncherRunsTheClientAndPassesItsExitStatus() throws Exception {
        Path root = layout(true);
        Path missing = dir.resolve("missing.sock");
        Outcome outcome = run(List.of(), root.resolve("bin/sacipctl").toString(), "--socket", missing.toString(),
                "status");
        assertEquals(3, outcome.exitCode(), outcome.err());
        assertEquals("sacipctl: cannot reach the SACIP agent at " + missing + ": not running? (start sacip-agent)\n",
                outcome.err());
        Outcome version = run(List.of(), root.resolve("bin/sacipctl").toString(), "-V");
        assertEquals(0, version.exitCode(), version.err());
        assertTrue(version.out().startsWith("sacipctl "), version.out());
    }

    @Test
    void aSocketThisUserMayNotOpenIsExitFour() throws Exception {
        Prerequisites.requireRoot("to become nobody");
        Prerequisites.requireExecutable(Path.of("/usr/bin/setpriv"));
        Path root = layout(true);
        Path socketDir = Files.createDirectory(dir.resolve("run"));
        try (FakeAgent agent = FakeAgent.replying(socketDir.resolve("agent.sock"),
                request -> List.of(FakeAgent.ok("[]")))) {
            openToEveryone(dir);
            // Everything else readable by nobody; only the socket is not, as on a host without the sacip group.
            Files.setPosixFilePermissions(agent.path(), PosixFilePermissions.fromString("rw-------"));
            Outcome outcome = run(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"),
                    root.resolve("bin/sacipctl").toString(), "--socket", agent.path().toString(), "ghosts");
            assertEquals(4, outcome.exitCode(), outcome.err());
            assertEquals("sacipctl: permission denied: cannot connect to " + agent.path()
                    + " (are you root or in the sacip group?)\n", outcome.err());
            assertEquals(0, agent.connections());
        }
    }

    @Test
    void theClassDataArchiveIsWrittenOnceThenUsedAndABrokenOneIsReplaced() throws Exception {
        Path root = layout(true);
        Path archives = dir.resolve("cds");
        Path missing = dir.resolve("missing.sock");
        String ctl = root.resolve("bin/sacipctl").toString();
        List<String> withArchives = List.of("SACIPCTL_CDS_DIR=" + archives);
        Outcome first = run(withArchives, ctl, "--socket", missing.toString(), "status");
        assertEquals(3, first.exitCode(), first.err());
        Path archive = onlyArchive(archives);
        assertTrue(Files.exists(Path.of(archive + ".ok")), "the archive was checked once: " + archive);

        // -Xshare:on makes the JVM fail at start when it cannot map the archive; the log names each class's source.
        Path log = dir.resolve("classes.log");
        List<String> strict = List.of("SACIPCTL_CDS_DIR=" + archives,
                "SACIPCTL_JAVA_OPTIONS=-Xshare:on -Xlog:class+load:file=" + log);
        Outcome shared = run(strict, ctl, "--socket", missing.toString(), "sessions");
        assertEquals(3, shared.exitCode(), shared.err());
        String loaded = Files.readString(log);
        for (String type : List.of("org.sacip.tools.SacipCtl", "org.sacip.tools.cli.DirectRun",
                "org.sacip.control.ControlClient", "org.sacip.control.AgentUnreachableException")) {
            assertTrue(loaded.contains(type + " source: shared objects file (top)"),
                    type + " from the archive; the log says: " + lines(loaded, type));
        }

        // Cut short after it was checked (a full disk, a copy cut off): checked again, refused, written anew.
        byte[] whole = Files.readAllBytes(archive);
        Files.write(archive, java.util.Arrays.copyOf(whole, whole.length / 3));
        Outcome again = run(strict, ctl, "--socket", missing.toString(), "status");
        assertEquals(3, again.exitCode(), again.err());
        // It ran with -Xshare:on, so the archive it mapped was a whole one, written anew.
        Path rewritten = onlyArchive(archives);
        assertTrue(Files.size(rewritten) > whole.length / 2, "a whole archive again: " + Files.size(rewritten));
        assertTrue(Files.exists(Path.of(rewritten + ".ok")), "and checked");

        Path none = dir.resolve("no-cds");
        Outcome off = run(List.of("SACIPCTL_CDS=off", "SACIPCTL_CDS_DIR=" + none), ctl, "--socket",
                missing.toString(), "status");
        assertEquals(3, off.exitCode(), off.err());
        assertTrue(!Files.exists(none), "SACIPCTL_CDS=off writes no archive");
    }

    private static Path onlyArchive(Path archives) throws IOException {
        try (Stream<Path> files = Files.list(archives)) {
            List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
            assertEquals(1, found.size(), "one archive in " + archives + ": " + found);
            return found.get(0);
        }
    }

    private static String lines(String text, String containing) {
        return text.lines().filter(line -> line.contains(containing)).toList().toString();
    }

    /** A copy of the repository's bin/sacipctl, and (if built) the jar and lib/ it expects. */
    private Path layout(boolean built) throws IOException, URISyntaxException {
        Path root = dir.resolve("repo");
        Files.createDirectories(root.resolve("bin"));
        Files.copy(LAUNCHER, root.resolve("bin/sacipctl"));
        Files.createDirectories(root.resolve("bin/lib"));
        for (String library : List.of("cds.sh", "sacipctl.sh")) {
            Files.copy(LAUNCHER.resolveSibling("lib").resolve(library), root.resolve("bin/lib").resolve(library));
        }
        if (built) {
            Path target = Files.createDirectories(root.resolve("tools/target/lib"));
            jar(Path.of("target", "classes").toAbsolutePath(), root.resolve("tools/target/tools-0.1.0-SNAPSHOT.jar"));
            for (Class<?> fromJar : List.of(org.sacip.control.ControlClient.class, picocli.CommandLine.class,
                    com.fasterxml.jackson.databind.ObjectMapper.class, com.fasterxml.jackson.core.JsonParser.class,
                    com.fasterxml.jackson.annotation.JsonProperty.class)) {
                Path jar = Path.of(fromJar.getProtectionDomain().getCodeSource().getLocation().toURI());
                Files.copy(jar, target.resolve(jar.getFileName()));
            }
        }
        return root;
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
                Stream<Path> walk = Files.walk(classes)) {
            for (Path path : walk.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(path));
                out.closeEntry();
            }
        }
    }

    private static void openToEveryone(Path top) throws IOException {
        try (Stream<Path> walk = Files.walk(top)) {
            for (Path path : walk.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) || Files.isExecutable(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static Outcome run(List<String> prefix, String... command) throws Exception {
        return run(List.of(), prefix, command);
    }

    /** Runs with {@code environment} (NAME=VALUE) added, e.g. the archive directory. */
    private static Outcome run(List<String> environment, List<String> prefix, String... command) throws Exception {
        // env sets the launcher's environment: this JVM's java, and no socket from the caller's environment.
        List<String> argv = new ArrayList<>(List.of("env", "-u", "SACIP_SOCKET", "-u", "SACIPCTL_JAVA_OPTIONS",
                "JAVA_HOME=" + System.getProperty("java.home")));
        argv.addAll(environment);
        argv.addAll(prefix);
        argv.addAll(List.of(command));
        CommandResult result = Commands.run(argv, Duration.ofSeconds(60));
        return new Outcome(result.exitCode(), result.stdout(), result.stderr());
    }
}
