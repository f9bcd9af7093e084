package org.sacip.tools.cli;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.control.ControlReply;
import org.sacip.tools.format.StatusView;

import picocli.CommandLine.Command;

@Command(name = "status", description = "Show the agent's version, uptime, managed addresses, counters and drops.")
final class StatusCommand extends AgentCommand {
    StatusCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        ControlReply reply = client().request(ControlCommand.STATUS);
        requireObject(reply, "status");
        if (globals.json()) {
            printRawJson(reply.rawData());
        } else {
            print(StatusView.render(reply.data()));
        }
        return ExitCode.OK;
    }
}
