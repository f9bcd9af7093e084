package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.testing.AgentProcess;

/**
 * bin/sacip-agent's JVM options and class-data archive (docs/AGENT.md, "Start-up"): written when an agent started without one stops,
 * used by the next start, and never a reason for the agent not to start: a truncated archive, garbage, an unfinished
 * archive of a dead agent, an archive of another build and a directory that cannot be made all end in an agent
 * that answers. Each test gives the launcher its own archive directory (SACIP_AGENT_CDS_DIR).
 * SACIP_AGENT_JAVA_OPTIONS reaches the JVM after the launcher's own options.
 */
class AgentLauncherTest {
    private static final Duration START_LIMIT = Duration.ofSeconds(60);
    // Stopping an agent that writes its archive takes the dump as well (3-4 s on a loaded 2-core machine).
    private static final Duration STOP_LIMIT = Duration.ofSeconds(60);
    private static final Duration KILL_LIMIT = Duration.ofSeconds(10);
    private static final String WRITE = "-XX:ArchiveClassesAtExit=";
    private static final String USE = "-XX:SharedArchiveFile=";

    @TempDir
    Path archives;

    @Test
    void theArchiveWrittenAtStopIsUsedByTheNextStartAndATruncatedOneIsDropped() throws IOException {
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            AgentProcess first = start(lab, archives);
            Path written = Path.of(option(first, WRITE).orElseThrow(() -> new AssertionError(
                    "the first start writes an archive: " + first.command() + " ran " + cmdline(first))));
            assertEquals(0, first.stop(STOP_LIMIT), "exit status of the agent that wrote the archive");
            first.close();
            assertTrue(Files.size(written) > 0, "the stopped agent wrote " + written);

            AgentProcess second = start(lab, archives);
            Path archive = archiveOf(written);
            assertEquals(Optional.of(archive.toString()), option(second, USE),
                    "the second start uses the archive the first wrote: " + cmdline(second));
            assertFalse(Files.exists(written), "the unfinished name is gone once the archive is adopted");
            assertEquals(0, second.stop(STOP_LIMIT), "exit status of the agent that used the archive");
            second.close();

            // Truncated after it was checked, as a full disk or a copy cut short would leave it.
            byte[] whole = Files.readAllBytes(archive);
            archive.toFile().setWritable(true);
            Files.write(archive, Arrays.copyOf(whole, whole.length / 3));
            AgentProcess third = start(lab, archives);
            assertEquals(Optional.empty(), option(third, USE), "a truncated archive is not used: " + cmdline(third));
            assertTrue(option(third, WRITE).isPresent(), "a new archive is written instead: " + cmdline(third));
            assertFalse(Files.exists(archive), "the truncated archive is removed");
            third.kill(KILL_LIMIT);
            third.close();
        }
    }

    @Test
    void garbageUnfinishedAndStaleArchivesNeverStopTheAgent() throws IOException {
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            // Killed (no dump): only to learn the name this JDK and build give their archive.
            AgentProcess probe = start(lab, archives);
            Path unfinished = Path.of(option(probe, WRITE).orElseThrow(() -> new AssertionError(
                    "a start without an archive writes one: " + cmdline(probe))));
            probe.kill(KILL_LIMIT);
            probe.close();
            Path archive = archiveOf(unfinished);
            Files.writeString(archive, "not a class-data archive");
            // The pid in an unfinished archive's name is the dead probe's: a partial write of a killed agent.
            Files.writeString(unfinished, "half an archive");
            Path otherBuild = archives.resolve("agent-0000000000000000.jsa");
            Files.writeString(otherBuild, "an archive of another build");

            AgentProcess agent = start(lab, archives);
            assertEquals(Optional.empty(), option(agent, USE), "garbage is not used: " + cmdline(agent));
            assertTrue(option(agent, WRITE).isPresent(), "a new archive is written instead: " + cmdline(agent));
            assertFalse(Files.exists(archive), "the garbage archive is removed");
            assertFalse(Files.exists(unfinished), "the dead agent's unfinished archive is removed");
            assertFalse(Files.exists(otherBuild), "the archive of another build is removed");
            agent.kill(KILL_LIMIT);
            agent.close();
        }
    }

    @Test
    void anArchiveDirectoryThatCannotBeMadeStartsWithoutArchive() throws IOException {
        Path notADirectory = archives.resolve("file");
        Files.writeString(notADirectory, "a file where the archive directory would be");
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            AgentProcess agent = start(lab, notADirectory.resolve("cds"));
            String cmdline = cmdline(agent);
            assertFalse(cmdline.contains(WRITE) || cmdline.contains(USE), "no archive options: " + cmdline);
            agent.kill(KILL_LIMIT);
            agent.close();
        }
    }

    @Test
    void extraJavaOptionsComeAfterTheLaunchersOwn() throws IOException {
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            AgentProcess agent = start(lab, archives, "SACIP_AGENT_JAVA_OPTIONS=-Dsacip.launcher.test=1  -Xmx200m");
            List<String> arguments = arguments(agent);
            int own = arguments.indexOf("-Xmx512m");
            int extra = arguments.indexOf("-Xmx200m");
            assertTrue(own >= 0 && extra > own && arguments.contains("-Dsacip.launcher.test=1"),
                    "both extra options, after the launcher's -Xmx512m: " + arguments);
            agent.kill(KILL_LIMIT);
            agent.close();
        }
    }

    @Test
    void aFlightRecordingAskedForIsNotGivenUpForAnArchive() throws IOException, InterruptedException {
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            Path recording = archives.resolve("agent.jfr");
            // No archive yet: without the recording this start would write one, and the JVM would run without JFR.
            AgentProcess agent = start(lab, archives, "JAVA_TOOL_OPTIONS=-XX:StartFlightRecording=filename="
                    + recording);
            assertEquals(Optional.empty(), option(agent, WRITE), "no archive written: " + cmdline(agent));
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            Process check = new ProcessBuilder(jcmd, Long.toString(agent.pid()), "JFR.check").redirectErrorStream(true)
                    .start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, check.waitFor(), "jcmd JFR.check: " + output);
            assertTrue(output.contains("Recording "), "the agent records: " + output);
            agent.kill(KILL_LIMIT);
            agent.close();
        }
    }

    @Test
    void versionWritesNoArchive() throws IOException, InterruptedException {
        Path directory = archives.resolve("cds");
        Process version = new ProcessBuilder("env", "SACIP_AGENT_CDS_DIR=" + directory,
                Agents.agentBinary(ProjectRoot.find()).toString(), "--version").redirectErrorStream(true).start();
        String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, version.waitFor(), "exit status of sacip-agent --version: " + output);
        assertTrue(output.startsWith("sacip-agent "), "the version line: " + output);
        assertFalse(Files.exists(directory), "--version made no archive directory (an archive of --version's few "
                + "classes would be adopted by the next real start)");
    }

    /**
     * The heap options are in effect in the agent's JVM, as jcmd reads them from it: the launcher starts java with
     * -XX:+IgnoreUnrecognizedVMOptions, which would pass over a misspelt or dropped one without a word.
     */
    @Test
    void theJvmRunsWithTheLaunchersHeapOptions() throws IOException {
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            AgentProcess agent = start(lab, archives);
            String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
            var flags = Shell.tryRun(List.of(jcmd, Long.toString(agent.pid()), "VM.flags"));
            assertTrue(flags.ok(), "jcmd VM.flags: " + flags.stderr());
            List<String> set = List.of(flags.stdout().split("\\s+"));
            for (String expected : List.of("-XX:+UseG1GC", "-XX:GCTimeRatio=4", "-XX:MinHeapFreeRatio=10",
                    "-XX:MaxHeapFreeRatio=30", "-XX:MaxHeapSize=536870912", "-XX:+ExplicitGCInvokesConcurrent")) {
                assertTrue(set.contains(expected), expected + " in the agent's JVM: " + flags.stdout());
            }
            agent.kill(KILL_LIMIT);
            agent.close();
        }
    }

    /** bin/sacip-agent in host a with the given archive directory; returns once it answers on its socket. */
    private static AgentProcess start(Lab lab, Path archiveDirectory, String... environment) throws IOException {
        Path state = Files.createDirectories(Path.of("/run/sacip-lab", lab.ns("a")));
        lab.onTeardown(() -> Shell.tryRun(List.of("rm", "-rf", state.toString())));
        // env execs the launcher, which execs java: the process is still the agent's JVM.
        List<String> launcher = new ArrayList<>(List.of("env", "SACIP_AGENT_CDS_DIR=" + archiveDirectory));
        launcher.addAll(List.of(environment));
        launcher.add(Agents.agentBinary(ProjectRoot.find()).toString());
        AgentProcess agent = AgentProcess.start(lab.ns("a"), launcher, state.resolve("control.sock"), state,
                state.resolve("agent.log"), List.of());
        lab.onTeardown(agent);
        return agent.awaitReady(START_LIMIT);
    }

    /** The archive an unfinished archive becomes: its name without {@code .PID.tmp}. */
    private static Path archiveOf(Path unfinished) {
        String name = unfinished.getFileName().toString();
        String withoutTmp = name.substring(0, name.lastIndexOf(".tmp"));
        return unfinished.resolveSibling(withoutTmp.substring(0, withoutTmp.lastIndexOf('.')));
    }

    private static Optional<String> option(AgentProcess agent, String prefix) {
        try (Stream<String> arguments = arguments(agent).stream()) {
            return arguments.filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length())).findFirst();
        }
    }

    private static List<String> arguments(AgentProcess agent) {
        Path cmdline = Path.of("/proc", Long.toString(agent.pid()), "cmdline");
        try {
            return List.of(new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the agent's command line " + cmdline, e);
        }
    }

    private static String cmdline(AgentProcess agent) {
        return String.join(" ", arguments(agent));
    }
}
