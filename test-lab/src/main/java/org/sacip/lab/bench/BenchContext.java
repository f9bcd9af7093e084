package org.sacip.lab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sacip.commands.CommandException;
import org.sacip.commands.CommandResult;
import org.sacip.commands.Commands;
import org.sacip.lab.Lab;
import org.sacip.lab.LabException;
import org.sacip.lab.agent.AgentJfr;
import org.sacip.lab.agent.Agents;

/**
 * What every case of one bench run shares: the checkout, the plan, progress, a working directory, and what it
 * collects on the way: each agent's start-to-ready time, and A's JFR recording per lab (for the goals not met).
 */
final class BenchContext {
    private final Path root;
    private final BenchPlan plan;
    private final Progress progress;
    private final Path workDir;
    private final List<Long> startToReadyMicros = new ArrayList<>();
    private final Map<String, Path> recordings = new LinkedHashMap<>();
    /** Another lab id's recording, looked up when asked for: a dump may replace it after the alias was made. */
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private static final Duration DUMP_LIMIT = Duration.ofMinutes(3);
    /** The running JDK's jcmd, which can attach to the agents' JVMs. */
    private static final String JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    /** Stopping an agent that writes its archive (3-4 s on a loaded 2-core machine). */
    private static final Duration ARCHIVE_STOP_LIMIT = Duration.ofSeconds(60);
    private final Map<String, Long> measuringSince = new LinkedHashMap<>();

    BenchContext(Path root, BenchPlan plan, Progress progress, Path workDir) {
        this.root = root;
        this.plan = plan;
        this.progress = progress;
        this.workDir = workDir;
    }

    Path root() {
        return root;
    }

    BenchPlan plan() {
        return plan;
    }

    Progress progress() {
        return progress;
    }

    Path workDir() {
        return workDir;
    }

    /**
     * Starts an agent once without a recording and stops it, as an installed agent has run and stopped before: it
     * writes the class-data archive every later start uses (bin/sacip-agent), which an agent asked for a recording
     * does not write and one killed with SIGKILL cannot. Every start-to-ready time of the run is then taken with the
     * archive, whichever case comes first. Nothing happens when the archive exists already.
     */
    void prepareClassArchive() {
        if (!Agents.available(root)) {
            return;
        }
        progress.say("bench", "the agent's class-data archive: one start and stop, unmeasured");
        AgentJfr.recordInto(null);
        try (Lab lab = new Lab()) {
            lab.addHost("a");
            Agents agents = Agents.startIfPresent(lab, root, List.of("a"));
            agents.stop("a", ARCHIVE_STOP_LIMIT);
        }
    }

    /** Agents in A and B, recording JFR under the work directory (A's recording is kept by lab id). */
    Agents startAgents(Lab lab, String labId) {
        return startAgents(lab, labId, true);
    }

    /**
     * Agents in A and B; without a recording (JFR's own sampling would show in an idle agent's CPU time and in its
     * start) their start-to-ready times are kept.
     */
    Agents startAgents(Lab lab, String labId, boolean record) {
        if (!Agents.available(root)) {
            throw new LabException(Agents.agentBinary(root) + " does not exist: build the agent first");
        }
        Path jfr = workDir.resolve("jfr").resolve(labId);
        if (record) {
            try {
                Files.createDirectories(jfr);
            } catch (IOException e) {
                throw new LabException("cannot create " + jfr + ": " + e.getMessage(), e);
            }
        }
        AgentJfr.recordInto(record ? jfr : null);
        try {
            Agents agents = Agents.startIfPresent(lab, root, List.of("a", "b"));
            if (record) {
                recordings.put(labId, AgentJfr.file(jfr, lab.ns("a")));
                dumpAtTeardown(lab, agents, "a", labId);
            } else {
                startToReadyMicros.add(agents.startToReadyMicros("a"));
                startToReadyMicros.add(agents.startToReadyMicros("b"));
            }
            return agents;
        } finally {
            AgentJfr.recordInto(null);
        }
    }

    /**
     * Kills the host's agent and starts it again recording JFR (kept as {@code labId}); returns the recording's file,
     * written when the lab closes.
     */
    Path restartRecording(Lab lab, Agents agents, String host, String labId) {
        Path jfr = workDir.resolve("jfr").resolve(labId);
        try {
            Files.createDirectories(jfr);
        } catch (IOException e) {
            throw new LabException("cannot create " + jfr + ": " + e.getMessage(), e);
        }
        agents.killHard(host);
        AgentJfr.recordInto(jfr);
        try {
            agents.restart(host);
        } finally {
            AgentJfr.recordInto(null);
        }
        Path file = AgentJfr.file(jfr, lab.ns(host));
        recordings.put(labId, file);
        dumpAtTeardown(lab, agents, host, labId);
        return file;
    }

    /**
     * Starts a recording (JFR's profile settings) in the host's running agent now, with jcmd JFR.start, and keeps it
     * as the lab's, profiled from now on and written when the lab closes: for a profile of moves made after the
     * measured ones, which a recording would have disturbed. When jcmd fails this says so, and the lab has no profile.
     */
    void startRecording(Lab lab, Agents agents, String host, String labId) {
        Path jfr = workDir.resolve("jfr").resolve(labId);
        Path file = AgentJfr.file(jfr, lab.ns(host));
        try {
            Files.createDirectories(jfr);
            CommandResult result = Commands.run(List.of(JCMD, Long.toString(agents.pid(host)), "JFR.start",
                    "settings=profile", "filename=" + file), DUMP_LIMIT);
            if (result.exitCode() != 0 || !result.stdout().contains("Started recording")) {
                progress.say(labId, "JFR.start failed (" + result.stderr().strip() + result.stdout().strip()
                        + "); no profile of this lab");
                return;
            }
        } catch (CommandException | IOException | LabException e) {
            progress.say(labId, "JFR.start failed (" + e.getMessage() + "); no profile of this lab");
            return;
        }
        recordings.put(labId, file);
        measuringSince.put(labId, System.currentTimeMillis());
        dumpAtTeardown(lab, agents, host, labId);
    }

    /**
     * When the lab closes, before its agents stop: writes the host's recording while its agent still runs (jcmd
     * JFR.dump) and keeps that file as the lab's recording. The dump at exit alone is not enough: with 100,000
     * sessions the agent's stop and its dump outlast the lab's stop limit, and now and then a recording written at
     * exit was missing altogether. When this dump fails, the one written at exit is still used.
     */
    private void dumpAtTeardown(Lab lab, Agents agents, String host, String labId) {
        lab.onTeardown(() -> dumpRecording(lab, agents, host, labId));
    }

    private void dumpRecording(Lab lab, Agents agents, String host, String labId) {
        Path file = workDir.resolve("jfr").resolve(labId).resolve(lab.ns(host) + ".dump.jfr");
        try {
            List<String> command = List.of(JCMD, Long.toString(agents.pid(host)), "JFR.dump", "filename=" + file);
            CommandResult result = Commands.run(command, DUMP_LIMIT);
            if (result.exitCode() == 0 && Files.size(file) > 0) {
                recordings.put(labId, file);
                return;
            }
            progress.say(labId, "JFR.dump failed (" + result.stderr().strip() + result.stdout().strip()
                    + "); the recording written at exit is used");
        } catch (CommandException | IOException | LabException e) {
            progress.say(labId, "JFR.dump failed (" + e.getMessage() + "); the recording written at exit is used");
        }
    }

    /** Another name for a recording, profiled from {@code sinceEpochMs} on. */
    void alsoRecorded(String labId, String asLabId, long sinceEpochMs) {
        aliases.put(asLabId, labId);
        measuringSince.put(asLabId, sinceEpochMs);
    }

    /** Another start-to-ready time (an agent restarted without a recording). */
    void startedWithoutRecording(long micros) {
        startToReadyMicros.add(micros);
    }

    List<Long> startToReadyMicros() {
        return List.copyOf(startToReadyMicros);
    }

    /** The lab's measurement starts now (its first move): a profile of what limits it starts here too. */
    void measuring(String labId) {
        measuringSince.putIfAbsent(labId, System.currentTimeMillis());
    }

    /** When the lab's measurement started, epoch ms (0: unknown, the whole recording counts). */
    long measuringSince(String labId) {
        return measuringSince.getOrDefault(labId, 0L);
    }

    /** A's recording in that lab (written once the lab is closed), or null. */
    Path recording(String labId) {
        String id = aliases.getOrDefault(labId, labId);
        return recordings.get(id);
    }
}
