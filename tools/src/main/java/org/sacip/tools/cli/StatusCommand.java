package org.sacip.tools.cli;

import org.sacip.tools.client.ExitCode;
import org.sacip.tools.client.ControlFailure;
import org.sacip.tools.client.ControlReply;
import org.sacip.tools.format.StatusView;

import picocli.CommandLine.Command;

@Command(name = "status", description = "Show the agent's version, uptime, managed addresses, counters and drops.")
final class StatusCommand extends AgentCommand {
    StatusCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        ControlReply reply = client().request("status");
        requireObject(reply, "status");
        if (globals.json()) {
            printRawJson(reply.rawData());
        } else {
            print(StatusView.render(reply.data()));
        }
        return ExitCode.OK;
    }
}
