package org.sacip.tools.cli;

import java.nio.file.Path;
import java.util.Map;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Options every subcommand accepts, before or after its name (picocli INHERIT scope). */
public final class GlobalOptions {
    public static final String DEFAULT_SOCKET = "/run/sacip/agent.sock";
    public static final String SOCKET_ENV = "SACIP_SOCKET";

    @Option(names = {"--socket", "--control-socket"}, paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The agent's control socket (default: $" + SOCKET_ENV + ", else " + DEFAULT_SOCKET + ").")
    private Path socket;

    @Option(names = {"-j", "--json"}, scope = ScopeType.INHERIT,
            description = "Print the agent's JSON payload instead of a table (compact, one line).")
    private boolean json;

    @Option(names = {"-p", "--pretty"}, scope = ScopeType.INHERIT,
            description = "Print the JSON payload indented (implies --json).")
    private boolean pretty;

    /** Sets what a command line gave, for a run without picocli (DirectRun); {@code socket} null when not given. */
    void set(Path givenSocket, boolean givenJson, boolean givenPretty) {
        this.socket = givenSocket;
        this.json = givenJson;
        this.pretty = givenPretty;
    }

    public Path socket(Map<String, String> environment) {
        if (socket != null) {
            return socket;
        }
        String fromEnvironment = environment.get(SOCKET_ENV);
        return Path.of(fromEnvironment == null || fromEnvironment.isBlank() ? DEFAULT_SOCKET : fromEnvironment);
    }

    public boolean json() {
        return json || pretty;
    }

    public boolean pretty() {
        return pretty;
    }
}
