package org.sacip.lab.agent;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A JFR recording of each lab agent, for finding what limits a benchmark figure: set SACIP_LAB_AGENT_JFR=DIR (or the
 * system property {@code sacip.lab.agent.jfr}, which the bench sets per case) and each agent records with the JDK's
 * "profile" settings into DIR/NAMESPACE.jfr, written when it stops. The recording is asked for through
 * JAVA_TOOL_OPTIONS set by {@code env}, which execs bin/sacip-agent: the agent and its launcher stay as they are.
 */
public final class AgentJfr {
    static final String PROPERTY = "sacip.lab.agent.jfr";
    static final String VARIABLE = "SACIP_LAB_AGENT_JFR";

    private AgentJfr() {
    }

    /** Where recordings go, when asked for. */
    public static Optional<Path> directory() {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(VARIABLE);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value).toAbsolutePath());
    }

    /** Records into this directory from now on in this JVM (null: stop asking). */
    public static void recordInto(Path directory) {
        if (directory == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, directory.toAbsolutePath().toString());
        }
    }

    public static Path file(Path directory, String namespace) {
        return directory.resolve(namespace + ".jfr");
    }

    /** The launcher line: bin/sacip-agent alone, or behind env with the recording asked for. */
    static List<String> launcher(Path agentBinary, String namespace) {
        Optional<Path> dir = directory();
        if (dir.isEmpty()) {
            return List.of(agentBinary.toString());
        }
        // DebugNonSafepoints: without it a sample in inlined code is put on the nearest safepoint's frame, and the
        // report's top frames named Objects.equals where the time went to hash map lookups (cache misses) around it.
        return List.of("env", "JAVA_TOOL_OPTIONS=-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints"
                + " -XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + file(dir.get(), namespace),
                agentBinary.toString());
    }
}
