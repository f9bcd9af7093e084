package org.sacip.tools.cli;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.control.ControlJson;
import org.sacip.control.ControlReply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;

@Command(name = "version", description = {"Print sacipctl's version and, if the agent is reachable, the agent's "
        + "version and control protocol.", "Exits 0 even when the agent is not reachable."})
final class VersionCommand extends AgentCommand {
    VersionCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() {
        String client = ClientVersion.get();
        ControlReply agent = null;
        String unreachable = null;
        try {
            agent = client().request(ControlCommand.VERSION);
        } catch (ControlFailure e) {
            unreachable = e.getMessage();
        }
        if (globals.json()) {
            ObjectNode both = ControlJson.MAPPER.createObjectNode();
            both.put("client", client);
            both.set("agent", agent == null ? null : agent.data());
            printJson(both);
        } else {
            print("sacipctl " + client + "\n" + (agent == null
                    ? "agent    unavailable (" + unreachable + ")\n"
                    : "agent    " + text(agent.data(), "version") + " (control protocol "
                            + text(agent.data(), "protocol") + ")\n"));
        }
        return ExitCode.OK;
    }

    private static String text(JsonNode data, String field) {
        JsonNode value = data.get(field);
        return value == null || value.isNull() ? "?" : value.asText();
    }
}
