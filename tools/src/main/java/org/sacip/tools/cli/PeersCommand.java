package org.sacip.tools.cli;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.control.ControlReply;
import org.sacip.tools.format.PeersView;

import picocli.CommandLine.Command;

@Command(name = "peers", description = "List the peers: addresses, SACIP capability, key, sequence numbers, RTT.")
final class PeersCommand extends AgentCommand {
    PeersCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        ControlReply reply = client().request(ControlCommand.PEERS);
        requireArray(reply, "peers");
        if (globals.json()) {
            printRawJson(reply.rawData());
        } else {
            print(PeersView.render(reply.data()));
        }
        return ExitCode.OK;
    }
}
