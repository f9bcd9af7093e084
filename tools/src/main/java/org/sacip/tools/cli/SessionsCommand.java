package org.sacip.tools.cli;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.control.ControlReply;
import org.sacip.tools.filter.EndpointPattern;
import org.sacip.tools.filter.Session;
import org.sacip.tools.filter.SessionFilter;
import org.sacip.control.SessionState;
import org.sacip.tools.format.SessionsView;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sessions", description = {"List the remapped sessions, filtered in the manner of ss.",
        "--src/--dst match the original or the active local/remote endpoint."})
final class SessionsCommand extends AgentCommand {
    @Option(names = {"-t", "--tcp"}, description = "TCP sessions (with -u: both).")
    private boolean tcp;

    @Option(names = {"-u", "--udp"}, description = "UDP sessions (with -t: both).")
    private boolean udp;

    @Option(names = "--state", paramLabel = "STATE", converter = Converters.State.class,
            completionCandidates = SessionStateNames.class,
            description = "Sessions in this state (repeatable): ${COMPLETION-CANDIDATES}.")
    private List<SessionState> states = new ArrayList<>();

    @Option(names = "--src", paramLabel = "ADDR[:PORT]", converter = Converters.EndpointFilter.class,
            description = "Local endpoint, original or active; IPv6 with a port in brackets: [2001:db8::2]:22.")
    private EndpointPattern source;

    @Option(names = "--dst", paramLabel = "ADDR[:PORT]", converter = Converters.EndpointFilter.class,
            description = "Remote endpoint, original or active.")
    private EndpointPattern destination;

    @Option(names = "--sport", paramLabel = "PORT", converter = Converters.Port.class,
            description = "Local port (original or active).")
    private Integer sourcePort;

    @Option(names = "--dport", paramLabel = "PORT", converter = Converters.Port.class,
            description = "Remote port (original or active).")
    private Integer destinationPort;

    @Option(names = "--peer", paramLabel = "ADDR", converter = Converters.Address.class,
            description = "Sessions with this peer (its original address).")
    private InetAddress peer;

    SessionsCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        SessionFilter filter = filter();
        ControlReply reply = client().request(ControlCommand.SESSIONS);
        JsonNode all = requireArray(reply, "sessions");
        if (globals.json() && filter.isEmpty()) {
            printRawJson(reply.rawData());
            return ExitCode.OK;
        }
        JsonNode selected = all;
        if (!filter.isEmpty()) {
            // Matching parses each session's endpoints: only when there is something to match.
            ArrayNode matching = JsonNodeFactory.instance.arrayNode();
            for (JsonNode entry : all) {
                if (filter.matches(Session.from(entry))) {
                    matching.add(entry);
                }
            }
            selected = matching;
        }
        if (globals.json()) {
            printJson(selected);
        } else {
            print(SessionsView.render(selected));
        }
        return ExitCode.OK;
    }

    SessionFilter filter() {
        Set<String> protocols = new HashSet<>();
        if (tcp) {
            protocols.add("tcp");
        }
        if (udp) {
            protocols.add("udp");
        }
        return new SessionFilter(protocols, Set.copyOf(states), Optional.ofNullable(source),
                Optional.ofNullable(destination), optional(sourcePort), optional(destinationPort),
                Optional.ofNullable(peer));
    }

    private static OptionalInt optional(Integer value) {
        return value == null ? OptionalInt.empty() : OptionalInt.of(value);
    }
}
