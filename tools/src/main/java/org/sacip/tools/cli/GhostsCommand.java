package org.sacip.tools.cli;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.control.ControlReply;
import org.sacip.tools.format.GhostsView;

import picocli.CommandLine.Command;

@Command(name = "ghosts", description = "List the ghost addresses kept on lo for sessions that moved.")
final class GhostsCommand extends AgentCommand {
    GhostsCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        ControlReply reply = client().request(ControlCommand.GHOSTS);
        requireArray(reply, "ghosts");
        if (globals.json()) {
            printRawJson(reply.rawData());
        } else {
            print(GhostsView.render(reply.data()));
        }
        return ExitCode.OK;
    }
}
