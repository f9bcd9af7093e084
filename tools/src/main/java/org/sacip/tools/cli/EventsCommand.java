package org.sacip.tools.cli;

import org.sacip.control.ControlFailure;
import org.sacip.control.ProtocolException;
import org.sacip.control.ReplyParser;
import org.sacip.tools.format.EventView;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "events", description = {"Follow the agent's events (moves, acknowledgements, keys, drops, "
        + "restores...) until interrupted.", "An event of type \"lost\" means sacipctl fell behind and events were skipped."})
final class EventsCommand extends AgentCommand {
    @Option(names = {"-f", "--follow"}, description = "Required: stream events as they happen.")
    private boolean follow;

    EventsCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        if (!follow) {
            // Reserved for a later one-shot listing of recent events; today only following exists.
            throw new ParameterException(spec.commandLine(), "events needs --follow (-f): it streams events until "
                    + "interrupted");
        }
        client().follow(this::show);
        return ExitCode.OK;
    }

    /** Prints one event; false once our stdout is gone (e.g. piped into head), which ends the stream quietly. */
    private boolean show(String line) throws ProtocolException {
        JsonNode event = ReplyParser.parseJson(line, "an event from the agent");
        if (!event.isObject()) {
            throw new ProtocolException("an event from the agent is not a JSON object");
        }
        if (globals.pretty()) {
            printJson(event);
        } else if (globals.json()) {
            print(line + "\n");
        } else {
            print(EventView.render(event));
        }
        return !invocation.out().checkError();
    }
}
