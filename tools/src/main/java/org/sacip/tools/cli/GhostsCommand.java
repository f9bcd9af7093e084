package org.sacip.tools.cli;

import org.sacip.tools.client.ExitCode;
import org.sacip.tools.client.ControlFailure;
import org.sacip.tools.client.ControlReply;
import org.sacip.tools.format.GhostsView;

import picocli.CommandLine.Command;

@Command(name = "ghosts", description = "List the ghost addresses kept on lo for sessions that moved.")
final class GhostsCommand extends AgentCommand {
    GhostsCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        ControlReply reply = client().request("ghosts");
        requireArray(reply, "ghosts");
        if (globals.json()) {
            printRawJson(reply.rawData());
        } else {
            print(GhostsView.render(reply.data()));
        }
        return ExitCode.OK;
    }
}
