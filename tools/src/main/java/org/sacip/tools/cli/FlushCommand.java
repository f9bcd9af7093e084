package org.sacip.tools.cli;

import java.util.Locale;
import java.util.Optional;

import org.sacip.control.ControlCommand;
import org.sacip.control.ControlFailure;
import org.sacip.control.ControlReply;
import org.sacip.tools.format.FlushView;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "flush", description = {"Remove every remapping and ghost address the agent added and reload "
        + "its tables empty (root only).", "Live sessions that moved lose their connection."})
final class FlushCommand extends AgentCommand {
    static final String QUESTION = "Remove all SACIP remapping? [y/N] ";

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation (needed when stdin is not a terminal).")
    private boolean yes;

    FlushCommand(Invocation invocation, GlobalOptions globals) {
        super(invocation, globals);
    }

    @Override
    public Integer call() throws ControlFailure {
        if (!yes) {
            if (!invocation.terminal().interactive()) {
                throw new ParameterException(spec.commandLine(),
                        "flush asks for confirmation but stdin is not a terminal: add --yes");
            }
            Optional<String> answer = invocation.terminal().ask(QUESTION);
            if (!answer.map(FlushCommand::isYes).orElse(false)) {
                invocation.err().println("sacipctl: flush cancelled; nothing changed");
                invocation.err().flush();
                return ExitCode.OK;
            }
        }
        ControlReply reply = client().request(ControlCommand.FLUSH);
        requireObject(reply, "flush");
        if (globals.json()) {
            printRawJson(reply.rawData());
        } else {
            print(FlushView.render(reply.data()));
        }
        return ExitCode.OK;
    }

    private static boolean isYes(String answer) {
        String word = answer.strip().toLowerCase(Locale.ROOT);
        return word.equals("y") || word.equals("yes");
    }
}
