package org.sacip.agent.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.AgentProcess;

/**
 * The agent as the daemon tests run it: this build's {@link AgentMain} in a namespace, with only CAP_NET_ADMIN and
 * CAP_NET_RAW (setpriv drops every other capability, also from the bounding set). Files in one directory: the
 * control socket {@code run/agent.sock}, the state directory {@code state} and the log {@code agent.log}.
 */
final class AgentLaunch {
    static final Duration READY = Duration.ofSeconds(60);
    static final Duration STOP = Duration.ofSeconds(30);

    private AgentLaunch() {
    }

    static Path socket(Path dir) {
        return dir.resolve("run/agent.sock");
    }

    static Path state(Path dir) {
        return dir.resolve("state");
    }

    /** Starts the agent (returns at once; see {@link AgentProcess#awaitReady}). */
    static AgentProcess start(TestNamespace ns, Path dir, String... arguments) {
        return AgentProcess.start(ns.name(), launcher(), socket(dir), state(dir), dir.resolve("agent.log"),
                List.of(arguments));
    }

    /** setpriv keeping only CAP_NET_ADMIN and CAP_NET_RAW, then this JVM's java on the test class path. */
    static List<String> launcher() {
        return List.of("setpriv", "--inh-caps=-all,+net_admin,+net_raw", "--ambient-caps=-all,+net_admin,+net_raw",
                "--bounding-set=-all,+net_admin,+net_raw", java(), "-XX:+UseSerialGC", "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), AgentMain.class.getName());
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
